"""Records models, one module per part of the "who did what to whom" model."""

from khronika.records.models.evidence import CustodyEntry, Evidence
from khronika.records.models.export_approval import PlaintextExportApproval
from khronika.records.models.incidents import Act, Incident
from khronika.records.models.people import Consent, Organisation, Person
from khronika.records.models.places import Place
from khronika.records.models.sources import Information, Source
from khronika.records.models.vocabularies import Term, Vocabulary

__all__ = [
    "Act",
    "Consent",
    "CustodyEntry",
    "Evidence",
    "Incident",
    "Information",
    "Organisation",
    "Person",
    "Place",
    "PlaintextExportApproval",
    "Source",
    "Term",
    "Vocabulary",
]
