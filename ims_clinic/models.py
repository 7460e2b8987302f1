"""ims_clinic owns no tables. This module exists so that Django sends this app post_migrate, after
every other app's permissions exist, when the roles are brought in step (see apps.py)."""
