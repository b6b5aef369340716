"""The multi-agency dataset: indicators, values, population, benchmarks, commentary

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:00:00

- ``indicator`` (unit, polarity, frequency, tolerance band, owner, source agency, plan
  priority and body) and ``indicator_breakdown`` (the disaggregations it is reported by).
- ``indicator_value``: a period's total or one category of a disaggregation, provisional or
  validated, approved before it is published; ``indicator_commentary`` per period.
- ``child_population`` per area and year; ``benchmark_release`` and ``benchmark`` (England,
  region, statistical neighbours; every release kept); ``dataset_settings`` (small-number
  threshold, region, statistical neighbours).
- ``action`` may come from an indicator's exception.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benchmark_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('publication', sa.String(length=200), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_benchmark_release_imported_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_benchmark_release_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_release')),
    sa.UniqueConstraint('partnership_id', 'publication', 'released_on', name=op.f('uq_benchmark_release_partnership_id'))
    )
    with op.batch_alter_table('benchmark_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_release_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('child_population',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('children > 0', name=op.f('ck_child_population_children_positive')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_child_population_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_population')),
    sa.UniqueConstraint('partnership_id', 'area', 'year', name=op.f('uq_child_population_partnership_id'))
    )
    with op.batch_alter_table('child_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_population_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('dataset_settings',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('suppress_below', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('neighbours', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('suppress_below >= 0', name=op.f('ck_dataset_settings_threshold_positive')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_dataset_settings_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', name=op.f('pk_dataset_settings'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('source_agency_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.Enum('count', 'rate', 'percentage', 'days', name='unit', native_enum=False, length=30), nullable=False),
    sa.Column('polarity', sa.Enum('higher', 'lower', 'neither', name='polarity', native_enum=False, length=30), nullable=False),
    sa.Column('frequency', sa.Enum('monthly', 'quarterly', 'yearly', name='frequency', native_enum=False, length=30), nullable=False),
    sa.Column('lower_tolerance', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('upper_tolerance', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('source_note', sa.String(length=300), nullable=False),
    sa.Column('in_yearly_report', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('lower_tolerance IS NULL OR upper_tolerance IS NULL OR lower_tolerance <= upper_tolerance', name=op.f('ck_indicator_tolerance_in_order')),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_indicator_body_id_body'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_indicator_objective_id_objective'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_indicator_owner_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_indicator_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_agency_id'], ['agency.id'], name=op.f('fk_indicator_source_agency_id_agency'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('partnership_id', 'reference', name=op.f('uq_indicator_partnership_id'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_source_agency_id'), ['source_agency_id'], unique=False)

    op.create_table('benchmark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('comparator', sa.Enum('england', 'region', 'neighbours', name='comparator', native_enum=False, length=30), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_benchmark_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['release_id'], ['benchmark_release.id'], name=op.f('fk_benchmark_release_id_benchmark_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark')),
    sa.UniqueConstraint('release_id', 'indicator_id', 'comparator', 'period_start', name=op.f('uq_benchmark_release_id'))
    )
    with op.batch_alter_table('benchmark', schema=None) as batch_op:
        batch_op.create_index('ix_benchmark_indicator', ['indicator_id', 'comparator', 'period_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_release_id'), ['release_id'], unique=False)

    op.create_table('indicator_breakdown',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.Enum('total', 'sex', 'age_band', 'ethnicity', 'disability', name='dimension', native_enum=False, length=30), nullable=False),
    sa.Column('subject', sa.Enum('children', 'victims', 'perpetrators', name='subject', native_enum=False, length=30), nullable=False),
    sa.CheckConstraint("dimension <> 'total'", name=op.f('ck_indicator_breakdown_not_total')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_breakdown_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_breakdown')),
    sa.UniqueConstraint('indicator_id', 'dimension', 'subject', name=op.f('uq_indicator_breakdown_indicator_id'))
    )
    with op.batch_alter_table('indicator_breakdown', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_breakdown_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('indicator_commentary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_indicator_commentary_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_commentary_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_commentary')),
    sa.UniqueConstraint('indicator_id', 'period_start', name=op.f('uq_indicator_commentary_indicator_id'))
    )
    with op.batch_alter_table('indicator_commentary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_commentary_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('dimension', sa.Enum('total', 'sex', 'age_band', 'ethnicity', 'disability', name='dimension', native_enum=False, length=30), nullable=False),
    sa.Column('subject', sa.Enum('children', 'victims', 'perpetrators', name='subject', native_enum=False, length=30), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('denominator', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('status', sa.Enum('provisional', 'validated', name='valuestatus', native_enum=False, length=30), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(dimension = 'total') = (category = '')", name=op.f('ck_indicator_value_category_if_split')),
    sa.CheckConstraint('denominator IS NULL OR denominator > 0', name=op.f('ck_indicator_value_denominator_positive')),
    sa.CheckConstraint('number >= 0', name=op.f('ck_indicator_value_not_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_indicator_value_approved_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_indicator_value_entered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
    sa.UniqueConstraint('indicator_id', 'period_start', 'dimension', 'subject', 'category', name=op.f('uq_indicator_value_indicator_id'))
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_period', ['indicator_id', 'dimension', 'period_start'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_indicator_id_indicator'), 'indicator', ['indicator_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_indicator_id_indicator'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_indicator_id'))
        batch_op.drop_column('indicator_id')

    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_value_period')

    op.drop_table('indicator_value')
    with op.batch_alter_table('indicator_commentary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_commentary_indicator_id'))

    op.drop_table('indicator_commentary')
    with op.batch_alter_table('indicator_breakdown', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_breakdown_indicator_id'))

    op.drop_table('indicator_breakdown')
    with op.batch_alter_table('benchmark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_release_id'))
        batch_op.drop_index('ix_benchmark_indicator')

    op.drop_table('benchmark')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_source_agency_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_owner_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_objective_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_body_id'))

    op.drop_table('indicator')
    op.drop_table('dataset_settings')
    with op.batch_alter_table('child_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_population_partnership_id'))

    op.drop_table('child_population')
    with op.batch_alter_table('benchmark_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_release_partnership_id'))

    op.drop_table('benchmark_release')
