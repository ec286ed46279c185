from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "homegroup.demo"
    label = "demo"
    verbose_name = "Demo data"
