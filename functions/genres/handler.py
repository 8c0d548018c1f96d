from filmhub.http.app import create_app, lambda_entry_point

from .routes import router

app = create_app(router)
lambda_handler = lambda_entry_point(app)
