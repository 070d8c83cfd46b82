"""Officers build survey templates: questions, standard blocks, attributes and tags."""
