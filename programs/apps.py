from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from backcore.accounts.lifecycle import personal_data
        from exercises import library_changes, plan_doses
        from programs import cache
        from programs.lifecycle import PERSONAL_DATA
        from programs.selectors.programme import pool_doses_for_exercise
        from programs.services.programme_edits import programme_edit_after_library_change

        cache.connect()
        cache.connect_history()
        personal_data.register(PERSONAL_DATA)
        plan_doses.register(pool_doses_for_exercise)  # the library shows where plan doses come from
        library_changes.register(programme_edit_after_library_change)  # plans follow coaches' edits
