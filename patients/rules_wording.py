"""The patient-facing wording of the safety questionnaire's rules module, marked for translation.

patients.safety_rules is pure Python (no Django import), so its English sentences are listed here with
gettext_noop for the message files; the pages translate them where they show them (patients.languages.translate).
tests/patients/test_languages.py fails when a question, option, section or message of the rules is missing here.
"""

from django.utils.translation import gettext_noop

QUESTIONNAIRE = (
    gettext_noop(
        "This form helps your physiotherapist keep needle treatment safe. It takes about 5 minutes. Your "
        "answers go only to your clinic."
    ),
    gettext_noop("Blood thinners"),
    gettext_noop("Do you take any medicine to thin your blood or to prevent blood clots?"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Not sure"),
    gettext_noop("Which one(s)?"),
    gettext_noop("Warfarin (Coumadin)"),
    gettext_noop("Apixaban (Eliquis)"),
    gettext_noop("Rivaroxaban (Xarelto)"),
    gettext_noop("Dabigatran (Pradaxa)"),
    gettext_noop("Edoxaban (Lixiana, Savaysa)"),
    gettext_noop("Heparin injections, e.g. enoxaparin (Lovenox), dalteparin (Fragmin), tinzaparin (Innohep)"),
    gettext_noop("I don't know the name"),
    gettext_noop("Other (type it)"),
    gettext_noop("Please type the name of the other medicine."),
    gettext_noop("Warfarin"),
    gettext_noop("What was your most recent INR blood test result?"),
    gettext_noop("When was that test?"),
    gettext_noop("What INR range did your doctor ask you to stay in? (for example 2 to 3)"),
    gettext_noop("I don't know"),
    gettext_noop("Platelet medicines"),
    gettext_noop("Do you take aspirin (ASA) regularly, even a low dose like 81 mg?"),
    gettext_noop("Do you take any of these?"),
    gettext_noop("Clopidogrel (Plavix)"),
    gettext_noop("Ticagrelor (Brilinta)"),
    gettext_noop("Prasugrel (Effient)"),
    gettext_noop("Dipyridamole"),
    gettext_noop("None of these"),
    gettext_noop("Pain medicines"),
    gettext_noop(
        "Do you take anti-inflammatory pain pills on most days? For example ibuprofen (Advil, Motrin), "
        "naproxen (Aleve), diclofenac, celecoxib (Celebrex)"
    ),
    gettext_noop("Mood medicines"),
    gettext_noop(
        "Do you take a medicine for mood, anxiety or nerve pain such as sertraline, fluoxetine, "
        "citalopram, escitalopram, paroxetine, venlafaxine or duloxetine?"
    ),
    gettext_noop("If you know it, what is the name of the medicine? (optional)"),
    gettext_noop("Supplements"),
    gettext_noop("Do you take any of these supplements?"),
    gettext_noop("Fish oil/omega-3"),
    gettext_noop("Ginkgo"),
    gettext_noop("Garlic pills"),
    gettext_noop("Vitamin E"),
    gettext_noop("Turmeric or curcumin"),
    gettext_noop("Ginger"),
    gettext_noop("Ginseng"),
    gettext_noop("Glucosamine or chondroitin"),
    gettext_noop("Other herbal products"),
    gettext_noop("Which other herbal products?"),
    gettext_noop("Bleeding history"),
    gettext_noop("Do you bruise very easily, or get large bruises without knowing why?"),
    gettext_noop("After a cut, a blood test or dental work, do you bleed for longer than most people?"),
    gettext_noop("Have you ever needed treatment or a blood transfusion because of bleeding?"),
    gettext_noop("Does anyone in your family have a bleeding disorder (like haemophilia)?"),
    gettext_noop("Conditions"),
    gettext_noop("Has a doctor ever told you that you have:"),
    gettext_noop("Haemophilia"),
    gettext_noop("Von Willebrand disease"),
    gettext_noop("Low platelets"),
    gettext_noop("Liver disease (such as cirrhosis)"),
    gettext_noop("Kidney disease or dialysis"),
    gettext_noop("A blood cancer (leukaemia, lymphoma, myeloma)"),
    gettext_noop("Please type the other condition."),
    gettext_noop(
        "In the last 12 months, have you had chemotherapy, radiation treatment, or medicines that weaken "
        "the immune system (including steroid pills like prednisone for more than a few weeks)?"
    ),
    gettext_noop("What was it, and when? (optional)"),
    gettext_noop("If you have had a recent blood count, what was the date? (optional)"),
    gettext_noop("Other safety"),
    gettext_noop("Are you pregnant, or could you be pregnant?"),
    gettext_noop("Possibly"),
    gettext_noop("Prefer to discuss"),
    gettext_noop("Do you have swelling called lymphoedema, or have you had lymph nodes removed?"),
    gettext_noop("Where?"),
    gettext_noop("Left arm"),
    gettext_noop("Right arm"),
    gettext_noop("Left leg"),
    gettext_noop("Right leg"),
    gettext_noop("Please describe where."),
    gettext_noop("Are you allergic to metals (like nickel) or to latex?"),
    gettext_noop("Nickel or metal"),
    gettext_noop("Latex"),
    gettext_noop("None"),
    gettext_noop("Do you have anything implanted in your body?"),
    gettext_noop("Pacemaker or defibrillator"),
    gettext_noop("Breast or other cosmetic implant"),
    gettext_noop("Joint replacement"),
    gettext_noop("Nerve or spinal stimulator"),
    gettext_noop("No implants"),
    gettext_noop("What is the other implant?"),
    gettext_noop("Do you have epilepsy or have you ever had a seizure?"),
    gettext_noop("Do you have diabetes?"),
    gettext_noop("Is it well controlled?"),
    gettext_noop(
        "Do you have a heart valve problem or artificial valve, or have you had heart surgery in the last 6 months?"
    ),
    gettext_noop("Have you had surgery in the last 6 months?"),
    gettext_noop("Where on your body?"),
    gettext_noop("Do you have lung disease (like emphysema or COPD), or have you ever had a collapsed lung?"),
    gettext_noop("Right now, do you have a skin infection, open wound, or rash where you are having treatment?"),
    gettext_noop("Are you very afraid of needles, or have you fainted during needles or blood tests?"),
    gettext_noop("Very afraid"),
    gettext_noop("Fainted before"),
    gettext_noop("Both"),
    gettext_noop("Have you had a bad reaction to acupuncture or dry needling before?"),
    gettext_noop("What happened?"),
    gettext_noop("Do you have any other condition or medicine you think we should know about?"),
    gettext_noop("Confirm"),
    gettext_noop(
        "I confirm these answers are true to the best of my knowledge. I will tell my physiotherapist if "
        "anything changes."
    ),
    gettext_noop("Please type your full name."),
)

# The answers' checks (patients/safety_rules/validation.py); %(name)s is a value put in by the page.
MESSAGES = (
    gettext_noop("Please choose Yes, No or Not sure."),
    gettext_noop("Please choose one answer."),
    gettext_noop("Please choose at least one answer."),
    gettext_noop("Please enter a number."),
    gettext_noop("Please enter two numbers, or choose “I don't know”."),
    gettext_noop("Please enter a date."),
    gettext_noop("Please type your answer."),
    gettext_noop("Please tick the box to confirm your answers."),
    gettext_noop("Please check this number. It should be between %(low)s and %(high)s."),
    gettext_noop("Please check this number."),
    gettext_noop("Please use at most 1 decimal place, for example 2.5."),
    gettext_noop("Please use at most %(places)s decimal places, for example 2.5."),
    gettext_noop("Please type your full name to confirm."),
    gettext_noop("Please type what you meant by “Other”, or untick it."),
    gettext_noop("Please choose at least one answer, or “%(none)s”."),
    gettext_noop("Please choose from the list."),
    gettext_noop("Please choose only from the list."),
    gettext_noop("“%(answer)s” cannot be chosen together with other answers."),
    gettext_noop("Please enter a number, for example 2.5."),
    gettext_noop("Please enter two numbers, for example 2 and 3, or choose “I don't know”."),
    gettext_noop("The first number should be lower than the second."),
    gettext_noop("Please enter a real date, for example 2026-03-14."),
    gettext_noop("Please check this date. It should be between 1 January 1900 and 31 December 2100."),
    gettext_noop("Your date of birth cannot be in the future."),
    gettext_noop("This date is in the future. Please check it."),
    gettext_noop("This date of birth does not match the one the clinic has. Please check it, or call the clinic."),
    gettext_noop("Please type your answer as text."),
    gettext_noop("Please keep this under %(limit)s characters (it has %(length)s)."),
)
