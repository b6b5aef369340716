"""The demo as loaded today: partners hear of sign-offs (a lapsed one at once), officers and
chairs of their actions and cases, and nobody's mail names a child."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.notices import services
from partnership.notices.items import Window
from partnership.notices.models import Notice, NoticeKind, OutboxMessage
from partnership.notices.sources import items_for


@pytest.mark.demo
def test_the_demo_tells_each_role_its_own_things(app: Flask) -> None:
    with app.app_context():
        services.sweep_notices()
        db.session.commit()
        lapsed = db.session.scalars(sa.select(Notice).where(
            Notice.kind == NoticeKind.SIGN_OFF_LAPSED)).all()
        signers = {db.session.get(User, notice.user_id).role.value for notice in lapsed}
        assert lapsed and signers == {"partner"}
        with services.in_service():
            users = {user.email: user for user in services.active_users()}
            families = {email: {item.family for item in items_for(user, Window.starting())}
                        for email, user in users.items()}
        assert "sign_offs" in families["partner@demo.example"]
        assert "actions" in families["chair@demo.example"]
        assert "cases" not in families["scrutineer@demo.example"]
        assert families["admin@demo.example"] <= {"sign_offs"}
        for message in db.session.scalars(sa.select(OutboxMessage)):
            for words in ("date of birth", "born on", "address:"):
                assert words not in message.text_body.lower()
