"""Order moves from `performance` to `accounts` in Django's state only: the table stays
`performance_order` (Meta.db_table), no row moves. `performance` 0005 drops it from its own state
and hands its content type over, after this migration."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_user_level_one_kam'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Order',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ordered_on', models.DateField(verbose_name='order date')),
                        ('amount', models.DecimalField(decimal_places=0, max_digits=16, verbose_name='amount')),
                        ('cost', models.DecimalField(decimal_places=0, default=0, max_digits=16, verbose_name='cost')),
                        ('reference', models.CharField(help_text='The order number in the ERP; unique per account.', max_length=64, verbose_name='reference')),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='orders', to='accounts.account', verbose_name='account')),
                        ('offering', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='accounts.offering', verbose_name='offering')),
                    ],
                    options={
                        'verbose_name': 'order',
                        'verbose_name_plural': 'orders',
                        'db_table': 'performance_order',
                        'ordering': ['-ordered_on', '-id'],
                        'indexes': [
                            models.Index(fields=['account', 'ordered_on'], name='order_account_date_idx'),
                            models.Index(fields=['ordered_on'], name='order_date_idx'),
                            models.Index(fields=['account', 'offering', 'ordered_on'], name='order_account_offering_idx'),
                        ],
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='order_amount_gte_0'),
                            models.CheckConstraint(condition=models.Q(('cost__gte', 0)), name='order_cost_gte_0'),
                            models.UniqueConstraint(fields=('account', 'reference'), name='order_reference_unique_in_account'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
