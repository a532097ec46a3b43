"""The report to share's choices."""

from __future__ import annotations

from django import forms

from portability.share import MAX_DAYS


class ShareForm(forms.Form):
    """What goes into a report to share. Nothing personal beyond the numbers
    unless ticked: substance names and notes are left out by default."""

    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    substances = forms.BooleanField(
        label="Name the substances and amounts", required=False
    )
    notes = forms.TypedMultipleChoiceField(
        label="Notes to include (none unless you tick them)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, note_choices=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["notes"].choices = [
            (e.pk, f"{e.day:%-d %b %Y}: {e.note[:80]}{'…' if len(e.note) > 80 else ''}")
            for e in note_choices
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "Choose a day after the first.")
            elif (end - start).days > MAX_DAYS:
                self.add_error("start", "A report covers three years at most.")
            elif self.today and start > self.today:
                self.add_error("start", "Choose a day up to today.")
        return cleaned
