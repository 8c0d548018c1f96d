from filmhub.http.app import create_app, lambda_entry_point

from .routes import router

ROUTERS = [router]
app = create_app(*ROUTERS)
lambda_handler = lambda_entry_point(app)
