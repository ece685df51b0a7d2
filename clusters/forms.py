"""The forms of the cluster and project pages.

Forms check the shape of the input (types, ranges, the upload); the rules between fields and
who may do what stay in ``clusters.services``, whose ``ValidationError`` the views put back
on these forms' fields.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from clusters.models import Cluster, ClusterLabel, PartnerRole, ProfileStatus, Project
from funding.models import Programme
from funding.selectors import programme_choices
from portal.core.selectors import category_list, ecosystem_list
from portal.core.uploads import MAX_IMAGE_BYTES, clean_image_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

COORDINATE_PLACES = Decimal("0.00001")  # the model keeps five decimals (about a metre)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _split_tags(text: str) -> list[str]:
    names: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


class TagsField(forms.CharField):
    """Free tags typed as comma-separated text; cleaned into a list of names."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Separate them with commas."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        names = _split_tags(text or "")
        too_long = [name for name in names if len(name) > 60]
        if too_long:
            raise forms.ValidationError(
                _("A tag has at most 60 characters: %(tag)s") % {"tag": too_long[0][:60] + "…"}
            )
        return names


class CoordinateField(forms.DecimalField):
    """A latitude or longitude in degrees, rounded to the five decimals the model keeps."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            min_value=Decimal(-limit),
            max_value=Decimal(limit),
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            **kwargs,
        )

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        if number is None:
            return None
        return number.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=10_000_000)


class ClusterForm(forms.Form):
    """A cluster profile. ``cleaned_data`` is the ``data`` of ``cluster_create``/``_update``."""

    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the cluster does and who its members are. Plain text."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        help_text=_("A PNG, JPEG, GIF or WebP image of at most %(size)s MB.")
        % {"size": MAX_IMAGE_BYTES // (1024 * 1024)},
    )
    logo_clear = forms.BooleanField(label=_("Remove the current logo"), required=False)
    country = forms.ChoiceField(label=_("Country"), choices=[])
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    latitude = CoordinateField(
        limit=90,
        label=_("Latitude"),
        help_text=_("Degrees north, from -90 to 90 (for example 50.84673)."),
        error_messages={
            "min_value": _("A latitude is between -90 and 90."),
            "max_value": _("A latitude is between -90 and 90."),
            "invalid": _("Type the latitude as a number, for example 50.84673."),
        },
    )
    longitude = CoordinateField(
        limit=180,
        label=_("Longitude"),
        help_text=_("Degrees east, from -180 to 180 (for example 4.35247)."),
        error_messages={
            "min_value": _("A longitude is between -180 and 180."),
            "max_value": _("A longitude is between -180 and 180."),
            "invalid": _("Type the longitude as a number, for example 4.35247."),
        },
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Industrial ecosystems"),
        queryset=ecosystem_list(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one industrial ecosystem.")},
    )
    sectors = TagsField(label=_("Sectors"))
    technologies = TagsField(label=_("Technologies"))
    value_chains = TagsField(label=_("Value chains"))
    members_total = _count_field(_("Number of members"))
    members_sme = _count_field(_("of which SMEs"))
    members_large = _count_field(_("of which large companies"))
    members_research = _count_field(_("of which research organisations"))
    year_founded = forms.IntegerField(
        label=_("Year founded"), required=False, min_value=1800, max_value=2100
    )
    management_organisation = forms.CharField(
        label=_("Cluster management organisation"), max_length=200, required=False
    )
    label = forms.ChoiceField(
        label=_("Label"), choices=ClusterLabel.choices, initial=ClusterLabel.NONE
    )
    label_date = forms.DateField(label=_("Label awarded on"), required=False, widget=DateInput())
    contact_email = forms.EmailField(label=_("Public contact e-mail"), required=False)
    response_categories = CategoryChoiceField(
        label=_("Solutions its members can supply"),
        queryset=category_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    response_text = forms.CharField(
        label=_("Crisis response capabilities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProfileStatus.choices,
        initial=ProfileStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text=_("A draft is seen only by its managers and Commission staff."),
    )

    def __init__(self, *args: Any, has_logo: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]  # type: ignore[attr-defined]
        if not has_logo:
            del self.fields["logo_clear"]

    @classmethod
    def initial_for(cls, cluster: Cluster) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(cluster, name)
            for name in cls.base_fields
            if name not in {"logo", "logo_clear", "country", *_CLUSTER_RELATIONS}
        }
        initial["country"] = str(cluster.country)  # a Country; str() is its code
        initial["ecosystems"] = list(cluster.ecosystems.all())
        initial["response_categories"] = list(cluster.response_categories.all())
        for name in ("sectors", "technologies", "value_chains"):
            initial[name] = ", ".join(tag.name for tag in getattr(cluster, name).all())
        return initial

    def clean_logo(self) -> ContentFile | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        return clean_image_upload(upload)

    def category_groups(self) -> list[tuple[Any, list[Any]]]:
        """The category checkboxes grouped under their parent, for the template."""
        groups: list[tuple[Any, list[Any]]] = []
        for choice in self["response_categories"]:
            instance = getattr(choice.data["value"], "instance", None)
            if instance is None or instance.parent_id is None or not groups:
                groups.append((choice, []))
            else:
                groups[-1][1].append(choice)
        return groups

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["logo_clear"] = bool(data.get("logo_clear")) and not data.get("logo")
        return data


_CLUSTER_RELATIONS = {
    "ecosystems",
    "response_categories",
    "sectors",
    "technologies",
    "value_chains",
}


class ClusterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {obj.country.name}"


class ClusterMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {obj.country.name}"


class ProjectForm(forms.Form):
    """A project profile; ``partners_for_service`` gives the (cluster, role) list."""

    title = forms.CharField(label=_("Title"), max_length=250)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("None of these"),
        help_text=_("The EU programme that funds the project."),
    )
    programme_other = forms.CharField(
        label=_("Other programme"),
        max_length=200,
        required=False,
        help_text=_("If the programme is not in the list, its name: for example Horizon Europe."),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    budget = forms.DecimalField(
        label=_("Budget (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Industrial ecosystems"),
        queryset=ecosystem_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    coordinator = ClusterChoiceField(
        label=_("Coordinating cluster"),
        queryset=Cluster.objects.none(),
        empty_label=_("Choose a cluster"),
        help_text=_("One of the clusters you manage. Its managers can edit the project."),
    )
    partners = ClusterMultipleChoiceField(
        label=_("Partner clusters"),
        queryset=Cluster.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Published clusters taking part. Hold Ctrl (or Cmd) to choose several."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProfileStatus.choices,
        initial=ProfileStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text=_("A draft is seen only by the coordinating cluster's managers and staff."),
    )

    def __init__(
        self,
        *args: Any,
        user: User | AnonymousUser,
        project: Project | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        coordinators: QuerySet[Cluster] = Cluster.objects.editable_by(user).order_by("name", "pk")
        current_ids: list[int] = []
        if project is not None:
            current_ids = [p.cluster_id for p in project.partnerships.all()]
        # Published clusters, plus those already taking part that this user may see, so
        # saving the form never silently drops a partner.
        partners = Cluster.objects.visible_to(user).filter(
            Q(status=ProfileStatus.PUBLISHED) | Q(pk__in=current_ids)
        )
        coordinator = self.initial.get("coordinator")
        if coordinator is not None and not self.is_bound:
            partners = partners.exclude(pk=getattr(coordinator, "pk", coordinator))
        self.fields["programme"].queryset = programme_choices(  # type: ignore[attr-defined]
            include=project.programme if project is not None else None
        ).order_by("position", "name")
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]
        self.fields["partners"].queryset = partners.order_by("name", "pk")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(project, name)
            for name in (
                "title", "acronym", "description", "programme", "programme_other",
                "start_date", "end_date", "budget", "website", "status",
            )
        }  # fmt: skip
        initial["ecosystems"] = list(project.ecosystems.all())
        partnerships = list(project.partnerships.all())
        initial["coordinator"] = next(
            (p.cluster for p in partnerships if p.role == PartnerRole.COORDINATOR), None
        )
        initial["partners"] = [p.cluster for p in partnerships if p.role == PartnerRole.PARTNER]
        return initial

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("coordinator", None)
        data.pop("partners", None)
        return data

    def partners_for_service(self) -> list[tuple[Cluster, str]]:
        coordinator: Cluster = self.cleaned_data["coordinator"]
        # The coordinator is a partner by definition: choosing it twice is not an error.
        return [(coordinator, PartnerRole.COORDINATOR)] + [
            (cluster, PartnerRole.PARTNER)
            for cluster in self.cleaned_data.get("partners") or []
            if cluster.pk != coordinator.pk
        ]


class AddManagerForm(forms.Form):
    email = forms.EmailField(
        label=_("Your colleague’s e-mail address"),
        help_text=_("They need a cluster-manager account on the portal."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def prepare_filter_form(form: forms.Form) -> forms.Form:
    """The directory's filter form with widgets that suit a side panel."""
    ecosystem = form.fields.get("ecosystem")
    if isinstance(ecosystem, forms.ModelMultipleChoiceField):
        ecosystem.widget = forms.CheckboxSelectMultiple()
        ecosystem.widget.choices = ecosystem.choices
    country = form.fields.get("country")
    if country is not None:
        country.widget.attrs["size"] = 8
        country.help_text = _("Hold Ctrl (or Cmd) to choose several.")
    category = form.fields.get("category")
    if isinstance(category, forms.ModelChoiceField):
        # Each sub-category's label names its parent: fetch the parents with it.
        category.queryset = category_list()
    # django-filter offers "---------" for "no choice": say what it means.
    empty_labels = (
        ("label", _("Any label")),
        ("programme", _("Any programme")),
        ("category", _("Any category")),
        ("sort", _("Default order")),
    )
    for name, label in empty_labels:
        field = form.fields.get(name)
        if field is not None and hasattr(field, "empty_label"):
            field.empty_label = label
            field.widget.choices = field.choices  # type: ignore[attr-defined]
    return form
