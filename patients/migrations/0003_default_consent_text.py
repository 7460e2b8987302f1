"""A first consent text, from clinical-reference.md 7.2, so that consent can be recorded from day one.

The clinic admin replaces it with the clinic's own wording as a new version in the back office.
"""

from datetime import date

from django.db import migrations

VERSION = "2026.1"
TITLE = "Consent to IMS (intramuscular stimulation)"
BODY = """\
What IMS is
IMS is a form of dry needling. Your physiotherapist uses fine, solid, single-use needles; nothing is injected. Needles go into shortened muscles in the painful area and next to the spine, often several times in each muscle.

What it feels like
You may feel little at the skin. A shortened muscle can "grab" the needle, which feels like a deep cramp or ache, sometimes with a twitch.

Why, and what to expect
The aim is to release shortened muscles and reduce pain and stiffness. Benefits build up over several sessions. No result is guaranteed.

Common risks
- Soreness in the treated muscles afterwards, often for 24 to 48 hours (55% after IMS in one trial).
- Bruising where a needle went in (about 8 in 100 treatments).
- A little bleeding where a needle went in (5 to 16 in 100 treatments).
- Pain during needling (3 to 6 in 100 treatments).
- Your symptoms may get worse for a short time before they improve (about 1 in 100 treatments).
- Feeling tired or drowsy, or feeling faint, dizzy or sick (uncommon).

Rare but serious risks
- A collapsed lung (pneumothorax) when needling over the chest or upper back. Warning signs are shortness of breath or chest pain, possibly hours later: get urgent medical care.
- A serious infection, an injury to a nerve or blood vessel, or a broken needle.
All serious events together happen in fewer than 1 in 1,000 treatments.

Risks particular to you
Your physiotherapist will explain any risks that come from your health and medicines, for example more bruising if you take a blood thinner.

Other choices
Other physiotherapy (exercise, manual therapy and others), or no treatment.

Your right to stop
You can stop at any moment. You and your physiotherapist will agree a signal for stopping. You can withdraw your consent at any time.

Questions
You can ask questions at any time, before, during and after treatment.

What this consent covers
The body regions recorded with your consent. Needling a new region, especially over the chest, needs your consent again.
"""


def add(apps, schema_editor):
    ConsentTextVersion = apps.get_model("patients", "ConsentTextVersion")
    ConsentTextVersion.objects.get_or_create(
        version=VERSION, defaults={"title": TITLE, "body": BODY, "effective_on": date(2026, 1, 1)}
    )


def remove(apps, schema_editor):
    ConsentTextVersion = apps.get_model("patients", "ConsentTextVersion")
    ConsentTextVersion.objects.filter(version=VERSION, consents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_search_trigram")]

    operations = [migrations.RunPython(add, remove)]
