from django.contrib import admin

from .models import Studio


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "opens_at", "closes_at", "manager_name", "manager_phone"]
    search_fields = ["name", "manager_name"]
