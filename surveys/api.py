"""The survey API: scoped reads for staff, and one submit endpoint open to anyone with a code."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from indicators.accounts.ratelimit import client_address, rate_allowed, rate_hit
from indicators.core.text import UNSTORABLE_MESSAGE, all_storable, shown
from indicators.places.models import Neighbourhood
from surveys import selectors
from surveys.models import Channel, Option, Question, Survey, SurveyVersion, Wave, number_value
from surveys.services import responses as svc
from surveys.services.answering import AnswerErrors

PROBLEM_STATUS = {
    svc.CodeProblem.WRONG: status.HTTP_400_BAD_REQUEST,
    svc.CodeProblem.OTHER_WAVE: status.HTTP_400_BAD_REQUEST,
    svc.CodeProblem.USED: status.HTTP_409_CONFLICT,
    svc.CodeProblem.WITHDRAWN: status.HTTP_409_CONFLICT,
    svc.CodeProblem.CLOSED: status.HTTP_410_GONE,
    svc.CodeProblem.NOT_OPEN: status.HTTP_403_FORBIDDEN,
}
PROBLEM_TEXT = {
    svc.CodeProblem.WRONG: "No invitation has this code.",
    svc.CodeProblem.OTHER_WAVE: "This code belongs to a different wave.",
    svc.CodeProblem.USED: "A response has already been completed with this code.",
    svc.CodeProblem.WITHDRAWN: "The response sent with this code was withdrawn; the code cannot be used again.",
    svc.CodeProblem.CLOSED: "The wave for this code has closed.",
    svc.CodeProblem.NOT_OPEN: "The wave for this code has not opened yet.",
}


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["code", "label", "score", "exclusive", "translations"]


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A number question's bound as a JSON number: 10 for a whole number, 2.5 for a decimal, never "10.000"."""

    def to_representation(self, value):
        return number_value(value)


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)
    min_value = NumberField(read_only=True, allow_null=True)
    max_value = NumberField(read_only=True, allow_null=True)
    show_if_question = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Question
        fields = [
            "key",
            "position",
            "page",
            "factor",
            "kind",
            "text",
            "hint",
            "required",
            "scored",
            "reverse_scored",
            "min_value",
            "max_value",
            "decimal_places",
            "max_length",
            "show_if_question",
            "show_if_values",
            "demographic",
            "source",
            "translations",
            "options",
        ]


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Questionnaires fielded in the caller's places, with every version's questions and option scores."""

    class OutputSerializer(serializers.ModelSerializer):
        class VersionSerializer(serializers.ModelSerializer):
            questions = QuestionSerializer(many=True, read_only=True)
            frozen = serializers.BooleanField(source="is_frozen", read_only=True)

            class Meta:
                model = SurveyVersion
                fields = ["id", "number", "notes", "frozen", "questions"]
                ref_name = "SurveyVersion"

        versions = VersionSerializer(many=True, read_only=True)

        class Meta:
            model = Survey
            fields = ["id", "slug", "name", "description", "versions"]
            ref_name = "Survey"

    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.survey_list(user=self.request.user).prefetch_related(
            "versions__questions__options", "versions__questions__show_if_question"
        )


class WaveViewSet(viewsets.ReadOnlyModelViewSet):
    """Waves in the caller's places. Neighbourhoods listed are only those the caller may see."""

    class OutputSerializer(serializers.ModelSerializer):
        survey = serializers.CharField(source="survey_version.survey.slug")
        version = serializers.IntegerField(source="survey_version.number")
        neighbourhoods = serializers.SerializerMethodField()
        is_open = serializers.SerializerMethodField()

        class Meta:
            model = Wave
            fields = [
                "id",
                "slug",
                "name",
                "survey",
                "version",
                "opens_on",
                "closes_on",
                "is_open",
                "open_link",
                "synthetic",
                "neighbourhoods",
            ]
            ref_name = "Wave"

        def get_neighbourhoods(self, wave) -> list[int]:
            visible = self.context["visible_ids"]
            return [n.pk for n in wave.neighbourhoods.all() if n.pk in visible]

        def get_is_open(self, wave) -> bool:
            return wave.is_open()

    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.wave_list(user=self.request.user).prefetch_related("neighbourhoods")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_ids"] = set(Neighbourhood.objects.visible_to(self.request.user).values_list("pk", flat=True))
        return context


class ResponseCountList(APIView):
    """Response counts per wave and neighbourhood, in the caller's places. Never individual answers."""

    class FilterSerializer(serializers.Serializer):
        wave = serializers.IntegerField(required=False)

    class OutputSerializer(serializers.Serializer):
        wave = serializers.IntegerField(source="wave_id")
        wave_name = serializers.CharField(source="wave__name")
        neighbourhood = serializers.IntegerField(source="neighbourhood_id")
        neighbourhood_name = serializers.CharField(source="neighbourhood__name")
        completed = serializers.IntegerField()
        in_progress = serializers.IntegerField()
        withdrawn = serializers.IntegerField()
        web = serializers.IntegerField()
        paper = serializers.IntegerField()
        api = serializers.IntegerField()
        open_link = serializers.IntegerField()

        class Meta:
            ref_name = "ResponseCount"

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request, *args, **kwargs):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wave = None
        if "wave" in filters.validated_data:
            wave = selectors.wave_list(user=request.user).filter(pk=filters.validated_data["wave"]).first()
            if wave is None:
                return ApiResponse({"detail": "No such wave."}, status=status.HTTP_404_NOT_FOUND)
        rows = selectors.response_counts(user=request.user, wave=wave)
        return ApiResponse(self.OutputSerializer(rows, many=True).data)


class ResponseSubmit(APIView):
    """Submit a complete response with an invitation code (kiosks, partner apps).

    ``answers`` maps question keys to an option code, a list of option codes
    (multiple choice), a number or text. A number question takes a whole number, or a
    decimal (2.5, or "2.5") with up to its ``decimal_places``. The same checks as the survey
    pages apply; errors name the question keys.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        wave = serializers.SlugField(required=False, help_text="Optional: the wave's slug, checked against the code.")
        language = serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES], default="en")
        answers = serializers.DictField(child=serializers.JSONField())

        class Meta:
            ref_name = "ResponseSubmission"

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        wave = serializers.CharField(source="wave.slug")
        completed_at = serializers.DateTimeField()

        class Meta:
            ref_name = "ResponseReceipt"

    COMPLETED_AT = serializers.DateTimeField()

    @classmethod
    def receipt(cls, response) -> dict:
        """OutputSerializer's data, without building a serializer (and its fields) for every response."""
        return {
            "status": str(response.status),
            "wave": response.wave.slug,
            "completed_at": cls.COMPLETED_AT.to_representation(response.completed_at),
        }

    LANGUAGES = frozenset(c for c, _ in settings.LANGUAGES)
    SLUG = re.compile(r"[-a-zA-Z0-9_]+")

    @classmethod
    def plain_submission(cls, data) -> dict | None:
        """What InputSerializer would make of a plainly well-formed body (nearly every one), or None:
        then the serializer checks it and words the errors. Building the serializer's fields for each
        request cost more than checking a whole questionnaire's answers. Accepts only what it accepts."""
        if type(data) is not dict:
            return None
        code, answers = data.get("code"), data.get("answers")
        if type(code) is not str or type(answers) is not dict or None in answers.values():
            return None
        code = code.strip()
        if not 0 < len(code) <= 40 or not (code.isascii() and code.isprintable()):
            return None
        language = data.get("language", "en")
        if type(language) is not str or language not in cls.LANGUAGES:
            return None
        out = {"code": code, "language": language, "answers": dict(answers)}
        if "wave" in data:
            if type(data["wave"]) is not str or not cls.SLUG.fullmatch(data["wave"]):
                return None
            out["wave"] = data["wave"]
        return out

    @staticmethod
    def unstorable_fields(data) -> dict[str, str]:
        """Fields holding text the database could not store, nor a reply quote back (indicators.core.text).
        Answers themselves are left to the answer checks, which name the question."""
        if type(data) is not dict:
            return {}
        errors = {}
        for name, value in data.items():
            checked = [name, *value] if name == "answers" and type(value) is dict else [name, value]
            if not all_storable(checked):
                errors[shown(name)] = str(UNSTORABLE_MESSAGE)
        return errors

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, auth=[])
    def post(self, request, *args, **kwargs):
        who = client_address(request)
        if not rate_allowed(
            who=who, peek=("code", settings.SURVEY_CODE_RATE), take=("api", settings.SURVEY_API_SUBMIT_RATE)
        ):
            return ApiResponse(
                {"code": "rate_limited", "detail": "Too many attempts; try again later."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        unstorable = self.unstorable_fields(request.data)
        if unstorable:
            return ApiResponse(
                {"code": "invalid_text", "detail": "Some fields hold text that cannot be saved.", "errors": unstorable},
                status=status.HTTP_400_BAD_REQUEST,
            )
        submission = self.plain_submission(request.data)
        if submission is None:
            data = self.InputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            submission = data.validated_data
        wave = None
        if submission.get("wave"):
            wave = Wave.objects.filter(slug=submission["wave"]).first()
            if wave is None:
                return ApiResponse({"code": "unknown_wave", "detail": "No such wave."}, status=400)
        language = submission["language"]
        try:
            with translation.override(language):
                response = svc.response_submit(
                    raw=submission["answers"],
                    channel=Channel.API,
                    code=submission["code"],
                    wave=wave,
                    language=language,
                )
        except svc.CodeProblem as problem:
            if problem.kind == svc.CodeProblem.WRONG:
                rate_hit(scope="code", who=who, rate=settings.SURVEY_CODE_RATE)
            return ApiResponse(
                {"code": problem.kind, "detail": PROBLEM_TEXT.get(problem.kind, problem.kind)},
                status=PROBLEM_STATUS.get(problem.kind, 400),
            )
        except AnswerErrors as exc:
            return ApiResponse(
                {"code": "invalid_answers", "detail": "Some answers are not acceptable.", "errors": exc.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return ApiResponse(self.receipt(response), status=status.HTTP_201_CREATED)
