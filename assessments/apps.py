from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from patients import timeline
        from scheduling import visit_actions

        from . import chart, patient_outcomes, visit_links
        from .services import aftercare as aftercare_services

        chart.register()
        aftercare_services.register()
        patient_outcomes.register()
        visit_actions.register("visit-record", visit_links.appointment_actions)
        timeline.register_action("visit-record", visit_links.chart_actions)
