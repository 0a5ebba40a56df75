from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from qiao.core.models import User

# Who performs a write: an account, or None for the system (demo loader, migrations, jobs).
Actor: TypeAlias = User | AnonymousUser | None
