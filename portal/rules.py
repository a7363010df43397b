"""Every legal parameter the portal applies, each with its source.

Legal references use the numbering of the old Socialtjänstlag (SoL 2001:453);
the new SoL (2025:400) took effect on 1 July 2025 with new numbering. A change
of law is an edit in this file: apps and tests import these names.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

# --- Children -------------------------------------------------------------------
#: A child is a person under 18 (SoL 14:1 applies to children; FN:s barnkonvention art. 1).
ADULT_AGE = 18
#: Age from which the pupil's own say on consent is usually sought (practice, no
#: fixed age in law; DOMAIN "Samtycke").
CONSENT_MATURITY_HINT_AGE = 15

# --- Sessions -----------------------------------------------------------------------
#: A session ends after this long without a request (the city's information
#: security rules for systems holding secrecy-protected data).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)

# --- Orosanmälan (concern reports) ---------------------------------------------------
#: Categories a concern can be filed under (Stockholm's orosanmälan form; DOMAIN).
CONCERN_CATEGORIES = [
    ("violence_home", _("Violence at home")),
    ("sexual_abuse", _("Sexual abuse")),
    ("honour_violence", _("Honour-related violence or oppression")),
    ("criminality", _("Criminality")),
    ("mental_ill_health", _("Mental ill-health")),
    ("substance_use", _("Substance use")),
    ("school_absence", _("School absence")),
    ("behaviour", _("Behaviour that is hard for the school to handle")),
    ("other", _("Other")),
]
#: Categories where guardians must NOT be told of the report, and where suspected
#: violence by a närstående means an utredning is opened without delay
#: (Socialstyrelsen's handbook on children at risk; SoL 11:1, 11:10).
VIOLENCE_CATEGORIES = frozenset({"violence_home", "sexual_abuse", "honour_violence"})

# --- Skyddsbedömning -------------------------------------------------------------------
#: Done the same day the report is received, or the next working day when it
#: arrives late (SoL 11:1a: "omedelbart"; Socialstyrelsen SOSFS 2014:6 4 kap.).
#: A report received at or after this local hour counts as received late.
PROTECTION_ASSESSMENT_CUTOFF_HOUR = 15

# --- Förhandsbedömning -------------------------------------------------------------------
#: Decide within 14 days of receipt whether to open an utredning (SoL 11:1a).
#: Counted in calendar days and not moved off a weekend: the portal holds the
#: stricter reading for the child's sake (lag 1930:173 moves deadlines for what is
#: submitted to an authority, not the authority's own handling time).
PRELIMINARY_ASSESSMENT_DAYS = 14
#: Warn the social worker this many days into the 14 (local practice).
PRELIMINARY_ASSESSMENT_WARNING_DAY = 10
#: "Synnerliga skäl" that allow a longer förhandsbedömning (SoL 11:1a; prop.
#: 2012/13:10 s. 71-72). Workload is never one of them.
EXTENSION_REASONS = [
    ("police_interview", _("Waiting for a police interview with the child")),
    ("family_unreachable", _("The family cannot be reached")),
    ("child_abroad", _("The child is temporarily abroad")),
    ("other_exceptional", _("Other exceptional reason (described)")),
]
#: The longest a förhandsbedömning may be extended in one step (local practice).
PRELIMINARY_EXTENSION_MAX_DAYS = 30

# --- Utredning ------------------------------------------------------------------------------
#: An utredning is finished within four months (SoL 11:2); the nämnd may extend
#: it for a set time for "särskilda skäl".
INVESTIGATION_MONTHS = 4

# --- Anmälningsmöte -------------------------------------------------------------------------
#: Reasons not to offer an anmälningsmöte (SoL 14:1a: "om det är lämpligt med
#: hänsyn till barnets bästa").
MEETING_SKIP_REASONS = [
    ("crime_at_home", _("Suspected crime against the child at home")),
    ("honour_violence", _("Honour-related violence or oppression")),
    ("immediate_custody", _("Omedelbart omhändertagande (LVU 6 §)")),
    ("child_best_interest", _("Other reason against the child's best interest (described)")),
]

# --- Återkoppling -------------------------------------------------------------------------------
#: What a mandatory reporter may be told (SoL 14:1b): only whether an utredning
#: was opened, not opened, or is already ongoing.

# --- Avstängning (suspension) ---------------------------------------------------------------------
#: Grundskola: at most one week at a time, at most twice per calendar half-year
#: (skollagen 5 kap. 14 §).
SUSPENSION_GRUNDSKOLA_MAX_DAYS = 7
SUSPENSION_GRUNDSKOLA_MAX_PER_HALF_YEAR = 2
#: Gymnasieskola: at most two weeks per calendar half-year, unless the huvudman
#: decides a longer period (skollagen 5 kap. 17 §).
SUSPENSION_GYMNASIESKOLA_MAX_DAYS_PER_HALF_YEAR = 14

# --- Samtycke (consent) and the secrecy boundary ---------------------------------------
#: Categories of information a consent can cover, with the side that holds them.
#: Social services' secrecy is strong (OSL 26:1); so is the school's elevhälsa for
#: medical, psychological, psychosocial and special-education work (OSL 23:2).
CONSENT_CATEGORIES = [
    ("school_attendance", _("School attendance, results and suspensions")),
    ("student_health", _("Student health (elevhälsa) information")),
    ("social_assessment", _("Social services' assessments and utredningar")),
    ("social_interventions", _("Social services' interventions (insatser)")),
    ("sip_plan", _("SIP plan")),
    ("health_care", _("Health care information (region)")),
]
#: Which side holds each category: "school", "social", "region" or "joint".
CATEGORY_SIDE = {
    "school_attendance": "school",
    "student_health": "school",
    "social_assessment": "social",
    "social_interventions": "social",
    "sip_plan": "joint",
    "health_care": "region",
}
#: A consent is specific: it may not name more parties than this (DOMAIN: "never
#: general"), and it may not cover every category at once.
CONSENT_MAX_PARTIES = 6
#: The longest a consent may run before it must be renewed (local practice).
CONSENT_MAX_YEARS = 3
#: Upload limits for a scanned written consent.
CONSENT_SCAN_MAX_BYTES = 5 * 1024 * 1024
CONSENT_SCAN_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
#: Warn the side that recorded a consent this many days before it expires.
CONSENT_EXPIRY_WARNING_DAYS = 14

# --- Override (break-glass) -------------------------------------------------------------
#: Legal grounds that let information cross without consent. Each override names one.
OVERRIDE_LEGAL_GROUNDS = [
    (
        "duty_to_inform",
        _("Duty to provide information (OSL 10:28 with SoL 14:1 or skollagen 29:13)"),
    ),
    ("necessary_disclosure", _("Necessary to carry out the authority's own work (OSL 10:2)")),
    ("crime_against_child", _("Suspected crime against a child (OSL 10:21)")),
    ("danger_to_life", _("Immediate danger to the child's life or health (OSL 10:2, BrB 24:4)")),
]
#: How long an override opens a pupil's cross-boundary information.
OVERRIDE_DEFAULT_HOURS = 24

# --- Manager dashboards -----------------------------------------------------------------
#: A figure about fewer than this many pupils or cases is shown as "<5", on screen and
#: in every export (the city's practice for statistics on individuals: no published
#: cell may let a person be identified; DOMAIN "Visibility": managers see counts only,
#: and small cells are suppressed). Zero is shown: it describes no one.
DASHBOARD_SUPPRESSION_THRESHOLD = 5
#: "Expiring soon" for consents on the dashboard (local practice).
DASHBOARD_CONSENT_EXPIRING_DAYS = 30

# --- Legal paths that need no consent ---------------------------------------------------
#: Named legal grounds used in code where information crosses without consent.
LEGAL_GROUND_CONCERN_REPORT = "SoL 14:1, skollagen 29:13 (anmälningsskyldighet)"
LEGAL_GROUND_FEEDBACK = "SoL 14:1b (återkoppling till anmälaren)"
LEGAL_GROUND_SUSPENSION_NOTICE = "Skollagen 5 kap. 14 § (underrättelse till socialnämnden)"
LEGAL_GROUND_INFORMATION_REQUEST = "OSL 10:28 med SoL 14:1 (uppgiftsskyldighet i utredning)"

# --- Begäran om uppgifter (information requests in an utredning) ------------------------
#: The BBIC areas of the child's needs a request can concern (Socialstyrelsen, BBIC
#: grundbok 2018: "barnets behov"). A request to a school is usually about schooling.
BBIC_AREAS = [
    ("education", _("Education (schooling)")),
    ("health", _("Health")),
    ("emotional_behaviour", _("Emotional and behavioural development")),
    ("identity", _("Identity")),
    ("family_relations", _("Family and social relationships")),
    ("social_presentation", _("Social presentation")),
    ("self_care", _("Self-care skills")),
]
#: Remind the receiving school this many days before the answer is wanted (local
#: practice), and the day after the date when it is still unanswered.
INFORMATION_REQUEST_REMINDER_DAYS_BEFORE = 2
#: Upload limits for the attachments of an answer: the same types and size as a
#: scanned consent, at most this many files.
INFORMATION_ANSWER_MAX_FILES = 5
INFORMATION_ANSWER_FILE_MAX_BYTES = 5 * 1024 * 1024
INFORMATION_ANSWER_FILE_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}

# --- Consent prompts for pupils in special teaching groups -------------------------------
#: Pupils placed in these groups who have open contact with the social services get
#: a prompt to ask the guardians for consent (skrivelse om RSU-grupper, 2024: consent
#: to lift secrecy toward the school is often never asked for).
CONSENT_PROMPT_GROUP_TYPES = ("rsu", "csu", "sst", "sst2")
#: The manager's indicator counts pupils in RSU and CSU groups only.
CONSENT_INDICATOR_GROUP_TYPES = ("rsu", "csu")
#: A consent naming the group covers the prompt when it covers one of these, and the
#: prepared form proposes them: what the school and the social services need to
#: coordinate around the pupil.
CONSENT_PROMPT_CATEGORIES = ("school_attendance", "social_assessment", "social_interventions")
#: How long the prepared consent form proposes the consent to last (local practice).
CONSENT_PROMPT_PROPOSED_MONTHS = 12

# --- Reminders --------------------------------------------------------------------------
#: Local practice, not law: when deadline reminders go out (Stockholm time). A
#: skyddsbedömning still not recorded at this hour of its due day is reminded: the
#: end of the working day, so it can still be done "the same day".
PROTECTION_REMINDER_HOUR = 16
#: Other deadline reminders go out at the start of the working day.
DEADLINE_REMINDER_HOUR = 8
#: Warn this many months before an utredning's end date (SoL 11:2: four months).
INVESTIGATION_WARNING_MONTHS = 1

# --- Special teaching groups (SST) --------------------------------------------------------
#: Local practice, not law: the target groups of Södermalm's skolsociala team, from
#: Södermalms stadsdelsförvaltning, tjänsteutlåtande Dnr SÖD 2024/635 (svar på remiss
#: KS 2024/610). SST takes grades 2–8 with 20–60 % absence; SST 2.0 (RSU 2) grades 4–6
#: with 80–100 %. Each band is (group type, lowest grade, highest grade, lowest %,
#: highest %), both ends inclusive, for grundskola. Only a hint: the antagningsgrupp decides.
SST_BANDS = (
    ("sst", 2, 8, 20, 60),
    ("sst2", 4, 6, 80, 100),
)

# --- Absence (frånvaro) ------------------------------------------------------------------
#: Skollagen 7 kap. 19 a §: absence "i betydande utsträckning" is investigated by the
#: rektor with the pupil, the guardians and elevhälsan, and the rektor tells the
#: huvudman. The law gives NO percentage; these prompts are local practice, counted on
#: total absence (valid or not), "at or above":
#: one period at or above this level prompts an investigation (the lower edge of SST's
#: target group, above)...
ABSENCE_ATTENTION_PERCENT = 20
#: ...and so do this many consecutive periods, the latest ones, each at or above this.
ABSENCE_ATTENTION_REPEATED_PERCENT = 10
ABSENCE_ATTENTION_REPEATED_PERIODS = 2
#: Limits of one absence CSV import (protects the server; a school's term fits easily).
ABSENCE_IMPORT_MAX_BYTES = 2 * 1024 * 1024
ABSENCE_IMPORT_MAX_ROWS = 10_000

# --- Audit, log review and retention (gallring) ----------------------------------------------
#: Gallring is counted in whole years from a record's date: a record dated D is due from
#: the day D + N years (a record of 29 February is due on 1 March).
#: Non-opened förhandsbedömningar are destroyed 5 years after the decision not to open
#: an utredning (Stockholm stad's dokumenthanteringsplan for socialtjänsten; DOMAIN:
#: "Stockholm destroys them after 5 years"). They are not part of a personakt.
RETENTION_PRELIMINARY_NOT_OPENED_YEARS = 5
#: A social-services personakt is destroyed 5 years after its last note (SoL 12:1-2,
#: old numbering; renumbered in the new SoL 2025:400).
RETENTION_PERSONAKT_YEARS = 5
#: Research sample: documents about people born on these days of a month are never
#: destroyed (SoL 12:2 second paragraph, old numbering).
RETENTION_RESEARCH_SAMPLE_DAYS = frozenset({5, 15, 25})
#: SoL 12:2 names the personakt; whether the city also spares non-opened
#: förhandsbedömningar of the research sample is a decision for the city archive. Off:
#: the 5-year rule above applies to every child.
RETENTION_RESEARCH_SAMPLE_COVERS_NOT_OPENED = False
#: Documents the law keeps beyond the 5 years (SoL 12:2: among others documents about
#: placements of children outside the home, adoption, custody and paternity). The
#: portal does not record which insatser an utredning led to, so a personakt with an
#: utredning closed with this outcome is never removed automatically: the command
#: lists it for the archive to review by hand.
RETENTION_KEPT_BY_LAW_INVESTIGATION_OUTCOMES = frozenset({"intervention"})
#: The access log (who read, listed, exported, changed, overrode) is kept 5 years, then
#: removed. The city's practice for logs of secrecy-protected data: kept as long as a
#: personakt may exist after its last note, so a reviewer or a data subject can still
#: ask who read a file for as long as the file itself may exist.
RETENTION_ACCESS_LOG_YEARS = 5

#: The log reviewer's flags (local practice for loggkontroll; thresholds to be tuned
#: by the reviewers, not law). Many pupils in a short time: more than this many
#: distinct pupils opened by one person within the window.
AUDIT_FLAG_MANY_PUPILS = 20
AUDIT_FLAG_MANY_PUPILS_MINUTES = 10
#: Night: reads from this hour until the morning hour, Stockholm time.
AUDIT_FLAG_NIGHT_FROM_HOUR = 22
AUDIT_FLAG_NIGHT_UNTIL_HOUR = 6
#: The longest period the flags and an export look at in one go (keeps them bounded).
AUDIT_REVIEW_MAX_DAYS = 92
AUDIT_EXPORT_MAX_ROWS = 50_000
#: A personal data report (registerutdrag, GDPR art. 15) leaves out what is secret
#: toward the person who asks: toward a guardian, reports about violence, sexual abuse
#: or honour-related violence (the guardians must not be told, DOMAIN; OSL 26:1), and
#: for both, who reported a private person's concern (OSL 26:5 protects a private
#: reporter's identity). The data-protection officer reviews the document before it
#: is handed over.
REPORT_WITHHELD_FROM_GUARDIAN_CATEGORIES = VIOLENCE_CATEGORIES
