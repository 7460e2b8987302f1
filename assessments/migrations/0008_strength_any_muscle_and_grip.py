"""Strength of any catalogue muscle by MRC grade, and grip strength by dynamometer in kilograms, each per side."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_needling_plan"),
    ]

    operations = [
        migrations.CreateModel(
            name="GripStrength",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("side", models.CharField(choices=[("L", "Left"), ("R", "Right")], max_length=1)),
                (
                    "kilograms",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grip_strengths",
                        to="assessments.assessment",
                    ),
                ),
            ],
            options={
                "ordering": ["side"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "side"),
                        name="grip_one_value_per_side",
                        violation_error_message="Grip strength is already recorded on that side.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kilograms__gte", 0), ("kilograms__lte", 100)),
                        name="grip_kilograms_0_to_100",
                        violation_error_message="Grip strength goes from 0 to 100 kg.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MuscleStrengthTest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "muscle",
                    models.CharField(
                        choices=[
                            (
                                "suboccipitals",
                                "Suboccipitals (rectus capitis posterior major/minor, obliquus capitis superior/inferior)",
                            ),
                            ("sternocleidomastoid", "Sternocleidomastoid"),
                            ("semispinalis-splenius-capitis", "Semispinalis capitis / splenius capitis"),
                            ("cervical-multifidus-rotatores", "Cervical multifidus / rotatores"),
                            ("upper-trapezius", "Upper trapezius"),
                            ("middle-lower-trapezius", "Middle and lower trapezius"),
                            ("levator-scapulae", "Levator scapulae"),
                            ("scalenes", "Scalenes (anterior, middle, posterior)"),
                            ("rhomboids", "Rhomboid major/minor"),
                            ("supraspinatus", "Supraspinatus"),
                            ("infraspinatus", "Infraspinatus"),
                            ("teres-minor", "Teres minor"),
                            ("teres-major", "Teres major"),
                            ("deltoid", "Deltoid"),
                            ("subscapularis", "Subscapularis"),
                            ("latissimus-dorsi", "Latissimus dorsi"),
                            ("pectoralis-major", "Pectoralis major"),
                            ("pectoralis-minor", "Pectoralis minor"),
                            ("serratus-anterior", "Serratus anterior"),
                            ("biceps-brachii", "Biceps brachii"),
                            ("brachialis", "Brachialis"),
                            ("coracobrachialis", "Coracobrachialis"),
                            ("triceps-brachii", "Triceps brachii"),
                            ("brachioradialis", "Brachioradialis"),
                            ("extensor-carpi-radialis-longus", "Extensor carpi radialis longus"),
                            ("extensor-carpi-radialis-brevis", "Extensor carpi radialis brevis"),
                            ("supinator", "Supinator"),
                            ("extensor-digitorum", "Extensor digitorum"),
                            ("extensor-carpi-ulnaris", "Extensor carpi ulnaris"),
                            ("pronator-teres", "Pronator teres"),
                            ("flexor-carpi-radialis", "Flexor carpi radialis"),
                            ("flexor-carpi-ulnaris", "Flexor carpi ulnaris"),
                            ("flexor-digitorum-superficialis", "Flexor digitorum superficialis"),
                            ("first-dorsal-interosseous", "First dorsal interosseous"),
                            ("thenar-muscles", "Thenar muscles (abductor pollicis brevis, opponens)"),
                            (
                                "thoracic-erector-spinae",
                                "Thoracic erector spinae (iliocostalis and longissimus thoracis)",
                            ),
                            ("thoracic-multifidus-rotatores", "Thoracic multifidus / rotatores"),
                            ("intercostals", "Intercostals"),
                            ("rectus-abdominis-obliques", "Rectus abdominis / obliques"),
                            ("lumbar-erector-spinae", "Lumbar erector spinae (iliocostalis/longissimus lumborum)"),
                            ("lumbar-multifidus", "Lumbar multifidus"),
                            ("quadratus-lumborum", "Quadratus lumborum"),
                            ("iliopsoas", "Iliopsoas (psoas major, iliacus)"),
                            ("gluteus-maximus", "Gluteus maximus"),
                            ("gluteus-medius", "Gluteus medius"),
                            ("gluteus-minimus", "Gluteus minimus"),
                            ("tensor-fasciae-latae", "Tensor fasciae latae"),
                            ("piriformis", "Piriformis"),
                            ("deep-hip-rotators", "Quadratus femoris / gemelli / obturator internus"),
                            ("adductor-longus-brevis", "Adductor longus / brevis"),
                            ("adductor-magnus", "Adductor magnus"),
                            ("gracilis-sartorius", "Gracilis / sartorius"),
                            ("rectus-femoris", "Rectus femoris"),
                            ("vastus-lateralis", "Vastus lateralis"),
                            ("vastus-medialis", "Vastus medialis"),
                            ("biceps-femoris", "Biceps femoris"),
                            ("semitendinosus-semimembranosus", "Semitendinosus / semimembranosus"),
                            ("tibialis-anterior", "Tibialis anterior"),
                            (
                                "extensor-hallucis-digitorum-longus",
                                "Extensor hallucis longus / extensor digitorum longus",
                            ),
                            ("fibularis-longus-brevis", "Fibularis (peroneus) longus / brevis"),
                            ("gastrocnemius", "Gastrocnemius"),
                            ("soleus", "Soleus"),
                            ("tibialis-posterior", "Tibialis posterior"),
                            ("flexor-digitorum-hallucis-longus", "Flexor digitorum longus / flexor hallucis longus"),
                            (
                                "extensor-digitorum-brevis-foot-intrinsics",
                                "Extensor digitorum brevis / intrinsic foot muscles",
                            ),
                        ],
                        max_length=60,
                    ),
                ),
                ("side", models.CharField(choices=[("L", "Left"), ("R", "Right")], max_length=1)),
                (
                    "grade",
                    models.CharField(
                        choices=[
                            ("0", "0"),
                            ("1", "1"),
                            ("2-", "2-"),
                            ("2", "2"),
                            ("2+", "2+"),
                            ("3-", "3-"),
                            ("3", "3"),
                            ("3+", "3+"),
                            ("4-", "4-"),
                            ("4", "4"),
                            ("4+", "4+"),
                            ("5", "5"),
                            ("NT", "NT"),
                        ],
                        max_length=3,
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="muscle_strength_tests",
                        to="assessments.assessment",
                    ),
                ),
            ],
            options={
                "ordering": ["muscle", "side"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "muscle", "side"),
                        name="muscle_strength_one_grade_per_muscle_side",
                        violation_error_message="This muscle is already graded on that side.",
                    )
                ],
            },
        ),
    ]
