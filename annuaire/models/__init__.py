from .activation import ActivationCode, CharteAcceptance, EtabAccountSettings, LetterBatch
from .blocking import LoginBlock, Suspension
from .imports import AafImport, ImportIssue, PurgeRun
from .links import Enseignement, Fonction, Inscription, MatiereEnseignee, Parente, ProfPrincipal
from .people import AccountState, Person, Population, Profile
from .roles import Role, RoleSource
from .secretariat import SecretariatMember, SecretariatSettings
from .siecle import SiecleImport, SiecleIssue
from .staging import StagedEtablissement, StagedLink, StagedMatiere, StagedMef, StagedPerson
from .structures import Etablissement, Matiere, Mef, Regroupement

__all__ = [
    "AafImport",
    "AccountState",
    "ActivationCode",
    "CharteAcceptance",
    "Enseignement",
    "EtabAccountSettings",
    "Etablissement",
    "Fonction",
    "ImportIssue",
    "Inscription",
    "LetterBatch",
    "LoginBlock",
    "Matiere",
    "MatiereEnseignee",
    "Mef",
    "Parente",
    "Person",
    "Population",
    "ProfPrincipal",
    "Profile",
    "PurgeRun",
    "Regroupement",
    "Role",
    "RoleSource",
    "SecretariatMember",
    "SecretariatSettings",
    "SiecleImport",
    "SiecleIssue",
    "StagedEtablissement",
    "StagedLink",
    "StagedMatiere",
    "StagedMef",
    "StagedPerson",
    "Suspension",
]
