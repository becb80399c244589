"""The site's URLs plus the floor view of bench/pages.py (used only by that benchmark)."""

from bench.pages import urlpatterns_with_floor

urlpatterns = urlpatterns_with_floor()
