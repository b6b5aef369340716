"""The multi-agency training programme: courses, sessions, attendance, evaluations, follow-ups

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 17:00:00

- ``training_course`` (topic, level, the plan priority it serves, audience) and
  ``training_session`` (date, trainer, format, venue, places, cancelled).
- ``training_attendance``: per session, agency and role, the number booked and attended
  (counted, never named); ``training_evaluation``: anonymous, confidence before and after
  and usefulness, each 1 to 5; ``training_follow_up``: did practice change, an example,
  a manager's confirmation.
- ``training_uptake_target``: places expected per agency per reporting year;
  ``training_settings``: months to the follow-up, whether a manager confirms.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_settings',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('follow_up_months', sa.Integer(), nullable=False),
    sa.Column('manager_confirmation', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('follow_up_months BETWEEN 1 AND 24', name=op.f('ck_training_settings_follow_up_months')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_training_settings_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', name=op.f('pk_training_settings'))
    )
    op.create_table('training_uptake_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('expected >= 0', name=op.f('ck_training_uptake_target_expected_not_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_training_uptake_target_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_uptake_target')),
    sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_training_uptake_target_agency_id'))
    )
    with op.batch_alter_table('training_uptake_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_uptake_target_agency_id'), ['agency_id'], unique=False)

    op.create_table('training_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('level', sa.Enum('introductory', 'core', 'advanced', 'leadership', name='courselevel', native_enum=False, length=30), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_training_course_objective_id_objective'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_training_course_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_course'))
    )
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_course_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_course_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('training_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('trainer', sa.String(length=200), nullable=False),
    sa.Column('format', sa.Enum('in_person', 'online', 'e_learning', name='sessionformat', native_enum=False, length=30), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('places >= 0', name=op.f('ck_training_session_places_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['training_course.id'], name=op.f('fk_training_session_course_id_training_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session'))
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_session_starts_on'), ['starts_on'], unique=False)

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked >= 0 AND attended >= 0', name=op.f('ck_training_attendance_counts_not_negative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_training_attendance_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_training_attendance_session_id_training_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('session_id', 'agency_id', 'role', name=op.f('uq_training_attendance_session_id'))
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendance_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('training_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('confidence_before', sa.Integer(), nullable=False),
    sa.Column('confidence_after', sa.Integer(), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('confidence_before BETWEEN 1 AND 5 AND confidence_after BETWEEN 1 AND 5 AND usefulness BETWEEN 1 AND 5', name=op.f('ck_training_evaluation_scores_1_to_5')),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_training_evaluation_session_id_training_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_evaluation'))
    )
    with op.batch_alter_table('training_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_evaluation_session_id'), ['session_id'], unique=False)

    op.create_table('training_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('practice_changed', sa.Enum('yes', 'partly', 'no', name='practicechange', native_enum=False, length=30), nullable=False),
    sa.Column('example', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('manager_confirmed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_training_follow_up_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_training_follow_up_session_id_training_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_follow_up'))
    )
    with op.batch_alter_table('training_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_follow_up_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_follow_up_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('training_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_follow_up_session_id'))
        batch_op.drop_index(batch_op.f('ix_training_follow_up_agency_id'))

    op.drop_table('training_follow_up')
    with op.batch_alter_table('training_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_evaluation_session_id'))

    op.drop_table('training_evaluation')
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_training_attendance_agency_id'))

    op.drop_table('training_attendance')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_starts_on'))
        batch_op.drop_index(batch_op.f('ix_training_session_course_id'))

    op.drop_table('training_session')
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_course_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_training_course_objective_id'))

    op.drop_table('training_course')
    with op.batch_alter_table('training_uptake_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_uptake_target_agency_id'))

    op.drop_table('training_uptake_target')
    op.drop_table('training_settings')
