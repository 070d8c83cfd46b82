from tests.directory.factories import make_service


def test_make_service_saves_a_searchable_entry(app_context):
    service = make_service(name="Peer Support Network", category="Peer support")
    assert service.id is not None
    assert " peer support network " in service.search_name
    assert service.category.name == "Peer support"
