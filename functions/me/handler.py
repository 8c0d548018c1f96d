from filmhub.http.app import create_app, lambda_entry_point

from .diary import router as diary_router
from .profile import router as profile_router
from .sharing import router as sharing_router
from .watchlists import router as watchlists_router

ROUTERS = [profile_router, watchlists_router, diary_router, sharing_router]
app = create_app(*ROUTERS)
lambda_handler = lambda_entry_point(app)
