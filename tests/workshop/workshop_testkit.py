"""Agenda and helpers shared by the workshop tests (imported by unique name)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"

AGENDA = {
    "id": "test-ws",
    "title": {"it": "Laboratorio di prova", "en": "Test workshop"},
    "languages": ["it", "en"],
    "questions": [
        {
            "id": "needs",
            "type": "dots",
            "text": {"it": "Bisogni prioritari", "en": "Priority needs"},
            "dots": 3,
            "cumulative": True,
            "options": [
                {"id": "housing", "label": {"it": "Casa", "en": "Housing"}},
                {"id": "home_care", "label": {"it": "Assistenza domiciliare", "en": "Home care"}},
                {"id": "childcare", "label": {"it": "Nidi", "en": "Childcare"}},
            ],
        },
        {
            "id": "pick",
            "type": "single",
            "text": "Scegli",
            "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        },
        {
            "id": "appr",
            "type": "approval",
            "text": "Approva",
            "max_choices": 2,
            "options": [
                {"id": "a", "label": "A"},
                {"id": "b", "label": "B"},
                {"id": "c", "label": "C"},
            ],
        },
        {
            "id": "rank",
            "type": "ranking",
            "text": "Ordina",
            "options": [
                {"id": "x", "label": "X"},
                {"id": "y", "label": "Y"},
                {"id": "z", "label": "Z"},
            ],
        },
        {
            "id": "rate",
            "type": "rating",
            "text": "Valuta",
            "options": [{"id": "s1", "label": "Servizio 1"}, {"id": "s2", "label": "Servizio 2"}],
        },
        {
            "id": "points",
            "type": "points",
            "text": "Distribuisci 100 punti",
            "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        },
        {
            "id": "pb",
            "type": "budget",
            "text": "Bilancio partecipativo",
            "budget": 100,
            "min_projects": 1,
            "max_projects": 2,
            "min_percent": 50,
            "options": [
                {"id": "p1", "label": "Progetto 1", "cost": 60},
                {"id": "p2", "label": "Progetto 2", "cost": 50},
                {"id": "p3", "label": "Progetto 3", "cost": 30, "district": "Montecerro"},
            ],
        },
        {"id": "talk", "type": "comment", "text": "Commenti"},
    ],
}
