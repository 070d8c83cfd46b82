"""The self-assessment's periodic jobs. Importing this module registers them."""
