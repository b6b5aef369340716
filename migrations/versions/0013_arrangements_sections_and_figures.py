"""The arrangements narrative is the partnership's own (sections, topics, figures)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 09:00:00

- The fixed ``narrative_section.section`` goes: each section has a ``title``, a ``position``
  (the team's order) and an optional statutory ``topic``. Existing sections keep their
  order and heading: thresholds, training, voice, data, escalation and funding map to the
  same topic, review to review_of_arrangements; foreword, context and procedures become
  free sections.
- ``figure_image`` (content-addressed PNG, append-only) and ``figure`` (a picture in a
  section, with alternative text and caption).
"""
import sqlalchemy as sa
from alembic import op

from partnership.database import create_append_only_guard, drop_append_only_guard

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TOPICS = ('partners', 'geography', 'relevant_agencies', 'education', 'youth_custody',
          'scrutiny', 'reviews', 'data', 'training', 'funding', 'escalation', 'voice',
          'thresholds', 'review_of_arrangements')
OLD_SECTIONS = ('foreword', 'context', 'thresholds', 'training', 'voice', 'data', 'procedures',
                'escalation', 'funding', 'review')
# old section: (position, title, topic)
MAPPING = {
    'foreword': (1, 'Foreword', None),
    'context': (2, 'Introduction and context', None),
    'thresholds': (3, 'Thresholds', 'thresholds'),
    'training': (4, 'Multi-agency training', 'training'),
    'voice': (5, 'Voice of children and families', 'voice'),
    'data': (6, 'Data and intelligence', 'data'),
    'procedures': (7, 'Multi-agency procedures', None),
    'escalation': (8, 'Escalation and professional disagreement', 'escalation'),
    'funding': (9, 'Funding', 'funding'),
    'review': (10, 'Review of these arrangements', 'review_of_arrangements'),
}


def upgrade():
    op.create_table('figure_image',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_figure_image'))
    )
    create_append_only_guard(op, 'figure_image')

    with op.batch_alter_table('narrative_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('topic', sa.Enum(*TOPICS, name='topic', native_enum=False, length=30), nullable=True))
    narrative = sa.table('narrative_section', sa.column('section', sa.String),
                         sa.column('position', sa.Integer), sa.column('title', sa.String),
                         sa.column('topic', sa.String))
    for old, (position, title, topic) in MAPPING.items():
        op.execute(narrative.update().where(narrative.c.section == old)
                   .values(position=position, title=title, topic=topic))
    with op.batch_alter_table('narrative_section', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('title', existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_narrative_section_partnership_id'), type_='unique')
        batch_op.drop_column('section')
        batch_op.create_index(batch_op.f('ix_narrative_section_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=False),
    sa.Column('alt', sa.String(length=500), nullable=False),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['image_sha256'], ['figure_image.sha256'], name=op.f('fk_figure_image_sha256_figure_image')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_figure_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['narrative_section.id'], name=op.f('fk_figure_section_id_narrative_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure'))
    )
    with op.batch_alter_table('figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_image_sha256'), ['image_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_figure_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_figure_section_id'), ['section_id'], unique=False)


def downgrade():
    """Back to the ten fixed sections: a section that maps to none of them is dropped, and
    of two that map to the same one the first in the team's order is kept."""
    with op.batch_alter_table('figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_section_id'))
        batch_op.drop_index(batch_op.f('ix_figure_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_figure_image_sha256'))
    op.drop_table('figure')

    with op.batch_alter_table('narrative_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section', sa.Enum(*OLD_SECTIONS, name='section', native_enum=False, length=30), nullable=True))
    narrative = sa.table('narrative_section', sa.column('id', sa.Integer),
                         sa.column('partnership_id', sa.Integer),
                         sa.column('section', sa.String), sa.column('position', sa.Integer),
                         sa.column('title', sa.String), sa.column('topic', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(narrative.c.id, narrative.c.partnership_id, narrative.c.title,
                                  narrative.c.topic)
                        .order_by(narrative.c.partnership_id, narrative.c.position,
                                  narrative.c.id)).all()
    by_topic = {topic: old for old, (_p, _t, topic) in MAPPING.items() if topic}
    by_title = {title.lower(): old for old, (_p, title, _topic) in MAPPING.items()}
    taken: set[tuple[int, str]] = set()
    for row in rows:
        old = by_topic.get(row.topic) or by_title.get((row.title or '').lower())
        if old is None or (row.partnership_id, old) in taken:
            op.execute(narrative.delete().where(narrative.c.id == row.id))
            continue
        taken.add((row.partnership_id, old))
        op.execute(narrative.update().where(narrative.c.id == row.id).values(section=old))
    with op.batch_alter_table('narrative_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_narrative_section_partnership_id'))
        batch_op.alter_column('section', existing_type=sa.String(length=30), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_narrative_section_partnership_id'), ['partnership_id', 'section'])
        batch_op.drop_column('topic')
        batch_op.drop_column('title')
        batch_op.drop_column('position')

    drop_append_only_guard(op, 'figure_image', last=False)
    op.drop_table('figure_image')
