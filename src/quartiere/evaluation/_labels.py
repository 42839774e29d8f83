"""User-visible labels of the evaluation package (to be moved to the shared i18n catalog)."""

from __future__ import annotations

from quartiere.errors import ParameterError

_LABELS: dict[str, dict[str, str]] = {
    "it": {
        "stage": "Fase",
        "inputs": "Risorse",
        "activities": "Attività",
        "outputs": "Prodotti",
        "outcomes": "Risultati",
        "impact": "Impatto",
        "item": "Elemento",
        "indicators": "Indicatori",
        "indicator": "Indicatore",
        "progress": "Avanzamento verso il target (%)",
        "expected": "Atteso a oggi (%)",
        "status": "Stato",
        "on_track": "in linea",
        "at_risk": "a rischio",
        "off_track": "fuori rotta",
        "period": "Periodo",
        "mean_outcome": "Media del punteggio",
        "group": "Gruppo",
        "treated": "Intervento",
        "comparison": "Confronto",
        "t_score": "Punteggio T (GAS)",
        "users": "Numero di utenti",
        "parameter": "Ipotesi di costo",
        "estimate": "Stima",
        "low": "Valore minimo",
        "high": "Valore massimo",
        "treatment_start": "Inizio intervento",
        "post_only_weakness": (
            "confronto solo dopo l'intervento: senza una misura iniziale la differenza "
            "mescola l'effetto del programma con differenze già presenti tra i gruppi"
        ),
    },
    "en": {
        "stage": "Stage",
        "inputs": "Inputs",
        "activities": "Activities",
        "outputs": "Outputs",
        "outcomes": "Outcomes",
        "impact": "Impact",
        "item": "Item",
        "indicators": "Indicators",
        "indicator": "Indicator",
        "progress": "Progress towards target (%)",
        "expected": "Expected by now (%)",
        "status": "Status",
        "on_track": "on track",
        "at_risk": "at risk",
        "off_track": "off track",
        "period": "Period",
        "mean_outcome": "Mean score",
        "group": "Group",
        "treated": "Programme",
        "comparison": "Comparison",
        "t_score": "GAS T-score",
        "users": "Number of users",
        "parameter": "Cost assumption",
        "estimate": "Estimate",
        "low": "Low value",
        "high": "High value",
        "treatment_start": "Programme start",
        "post_only_weakness": (
            "post-only comparison: without a baseline the difference mixes the programme "
            "effect with pre-existing differences between the groups"
        ),
    },
}


def labels(lang: str) -> dict[str, str]:
    """Return the label dictionary for ``lang`` ("it" or "en")."""
    if lang not in _LABELS:
        raise ParameterError(
            f"unknown language {lang!r}; use one of {sorted(_LABELS)}", parameter="lang"
        )
    return _LABELS[lang]
