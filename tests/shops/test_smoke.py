def test_dashboard_shows_the_shop(owner_client):
    response = owner_client.get("/")
    assert response.status_code == 200
    assert b"Old Books" in response.content
