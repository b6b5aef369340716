"""Case reviews to the national panel's guidance

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 23:00:00

- ``case_record``: the incident's and the child's local authorities (names, so neighbours
  outside this database can be recorded); a looked-after child, and the dates the Secretary
  of State and Ofsted were told of a looked-after child's death.
- ``rapid_review.immediate_actions``; ``information_request.waived_reason``/``waived_on``
  (a request not needed after all, or closed when the case moved on).
- ``monitoring_entry.progress``/``requested``; ``review_settings.monitoring_weeks``.
- ``stage_move``: every move of a case's stage, with the team's override and its reason.
- ``learning_dissemination`` (+ ``dissemination_recommendation``): how a review's learning
  was shared, linked to its recommendations.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STAGES = ('notification', 'rapid_review', 'national_review', 'local_review', 'action_plan',
          'closed')
METHODS = ('briefing', 'learning_event', 'practice_alert', 'newsletter', 'training', 'other')


def upgrade() -> None:
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_authority', sa.String(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('residence_authority', sa.String(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('looked_after', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('secretary_of_state_notified_on', sa.Date(),
                                      nullable=True))
        batch_op.add_column(sa.Column('ofsted_notified_on', sa.Date(), nullable=True))
    with op.batch_alter_table('rapid_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('immediate_actions', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('information_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waived_reason', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('waived_on', sa.Date(), nullable=True))
    with op.batch_alter_table('monitoring_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('requested', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('monitoring_weeks', sa.Integer(), nullable=False,
                                      server_default='6'))

    op.create_table(
        'stage_move',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('from_stage', sa.Enum(*STAGES, name='stage', native_enum=False, length=30),
                  nullable=False),
        sa.Column('to_stage', sa.Enum(*STAGES, name='stage', native_enum=False, length=30),
                  nullable=False),
        sa.Column('moved_on', sa.Date(), nullable=False),
        sa.Column('moved_at', sa.DateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('moved_by', sa.String(length=120), nullable=False),
        sa.Column('missing', sa.Text(), nullable=False),
        sa.Column('override_reason', sa.Text(), nullable=False),
        sa.Column('closed', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'],
                                name=op.f('fk_stage_move_case_id_case_record'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_stage_move_user_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_move')),
    )
    with op.batch_alter_table('stage_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_move_case_id'), ['case_id'], unique=False)

    op.create_table(
        'learning_dissemination',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.Enum(*METHODS, name='disseminationmethod', native_enum=False,
                                    length=30), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('audience', sa.String(length=300), nullable=False),
        sa.Column('reach', sa.Integer(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('check_action_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['check_action_id'], ['action.id'],
                                name=op.f('fk_learning_dissemination_check_action_id_action'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'],
                                name=op.f('fk_learning_dissemination_review_id_review'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_dissemination')),
    )
    with op.batch_alter_table('learning_dissemination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_dissemination_review_id'), ['review_id'],
                              unique=False)
    op.create_table(
        'dissemination_recommendation',
        sa.Column('dissemination_id', sa.Integer(), nullable=False),
        sa.Column('recommendation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['dissemination_id'], ['learning_dissemination.id'],
            name=op.f('fk_dissemination_recommendation_dissemination_id_learning_dissemination'),
            ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['recommendation_id'], ['recommendation.id'],
            name=op.f('fk_dissemination_recommendation_recommendation_id_recommendation'),
            ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('dissemination_id', 'recommendation_id',
                                name=op.f('pk_dissemination_recommendation')),
    )


def downgrade() -> None:
    op.drop_table('dissemination_recommendation')
    op.drop_table('learning_dissemination')
    op.drop_table('stage_move')
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.drop_column('monitoring_weeks')
    with op.batch_alter_table('monitoring_entry', schema=None) as batch_op:
        batch_op.drop_column('requested')
        batch_op.drop_column('progress')
    with op.batch_alter_table('information_request', schema=None) as batch_op:
        batch_op.drop_column('waived_on')
        batch_op.drop_column('waived_reason')
    with op.batch_alter_table('rapid_review', schema=None) as batch_op:
        batch_op.drop_column('immediate_actions')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('ofsted_notified_on')
        batch_op.drop_column('secretary_of_state_notified_on')
        batch_op.drop_column('looked_after')
        batch_op.drop_column('residence_authority')
        batch_op.drop_column('incident_authority')
