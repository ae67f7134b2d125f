"""Every table, imported in one place for Alembic and for relationship resolution."""

from partnerhub.auth.models import AuthToken
from partnerhub.customers.models import Association, Customer
from partnerhub.db.base import Base
from partnerhub.ops.models import RateLimitWindow
from partnerhub.partners.models import AccessKey, Partner

__all__ = ["AccessKey", "Association", "AuthToken", "Base", "Customer", "Partner", "RateLimitWindow"]
