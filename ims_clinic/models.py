"""ims_clinic holds no models. This module is here because Django sends post_migrate only to apps that
have one, and ims_clinic's post_migrate (last in INSTALLED_APPS) is when the roles are synced (apps.py)."""
