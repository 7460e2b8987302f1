from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from patients import timeline

        from . import chart

        # The chart shows appointments without the patients app importing this one.
        timeline.register("appointments", chart.appointment_events)
        timeline.register_header("next appointment", chart.next_appointment)
