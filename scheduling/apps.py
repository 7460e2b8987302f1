from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self) -> None:
        from patients import timeline

        from . import chart

        # The chart shows appointments without the patients app importing this one.
        timeline.register("appointments", chart.appointment_events)
        timeline.register_header("next appointment", chart.next_appointment)

        # Reminders: queued with the booking, sent by the task worker (scheduling/reminders.py).
        from patients import messaging
        from patients.models import MessageKind

        from . import reminders, signals

        messaging.register(MessageKind.REMINDER, reminders.compose_reminder)
        signals.appointment_placed.connect(reminders.on_appointment_placed, dispatch_uid="reminder-queue")
        signals.appointment_cancelled.connect(reminders.on_appointment_cancelled, dispatch_uid="reminder-cancel")
