"""The site's URLs plus the floor view of bench/measure.py (used only by `make bench`)."""

from bench.measure import urlpatterns_with_floor

urlpatterns = urlpatterns_with_floor()
