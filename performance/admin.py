from django.contrib import admin

from performance.models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "offering", "ordered_on", "amount", "cost")
    list_filter = ("offering",)
    search_fields = ("reference", "account__name")
    date_hierarchy = "ordered_on"
    list_select_related = ("account", "offering")
    autocomplete_fields = ("account",)
