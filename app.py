"""The Chalice app: wiring only. Each blueprint lives in chalicelib/handlers/."""
from chalice import Chalice

from chalicelib.handlers import admin, authorizer, events, importing, login, pages, public, reports, staff
from chalicelib.handlers.http import contract_errors

app = Chalice(app_name="complaints")
app.experimental_feature_flags.update(["BLUEPRINTS"])

for blueprint in (authorizer, public, login, staff, events, pages, admin, reports, importing):
    app.register_blueprint(blueprint.bp)
app.register_middleware(contract_errors, "http")
