from filmhub.http.app import create_app, lambda_entry_point

from .reviews import router as reviews_router
from .routes import router

ROUTERS = [router, reviews_router]
app = create_app(*ROUTERS)
lambda_handler = lambda_entry_point(app)
