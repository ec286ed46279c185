import pytest

pytestmark = pytest.mark.django_db


def test_me_returns_the_signed_in_account_and_roles(client_for, people):
    response = client_for(people.pat).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": people.pat.pk,
        "email": people.pat.email,
        "display_name": "Pat",
        "roles": ["program_admin"],
    }


def test_me_is_401_with_the_error_shape_for_anonymous_callers(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": "Sign in first.", "details": []}


def test_the_openapi_document_describes_every_operation_with_a_summary(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Homegroup API"
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations
    assert all(op.get("summary") for op in operations)
