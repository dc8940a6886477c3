//! What a submitter is told about their report (rule T-29): a fixed word and sentence per
//! state, the receipt and update times, and nothing from the report itself. Internal
//! assessments (score, gate outcome, queue, privacy review, blocked activity) are not the
//! submitter's business and all read "under review"; only human decisions of the vetting
//! (unfounded, not a SAR, more information needed, ISE-SAR yes or no, closed) are told.

use serde::{Deserialize, Serialize};

/// The state a submitter sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmitterState {
    /// The submission was refused at intake (see the field errors of the original answer).
    Rejected,
    /// Received and recorded; not processed yet.
    Received,
    /// Being processed or awaiting a reviewer.
    UnderReview,
    /// A reviewer needs more information; the receiving center may contact the submitter.
    NeedsInformation,
    /// Reviewed: not a suspicious activity report (handled as a criminal tip or lead).
    NotASar,
    /// Reviewed: unfounded, no further action.
    Unfounded,
    /// Passed the first review; the ISE-SAR determination is pending.
    Vetting,
    /// Determined to be an ISE-SAR and shared under the Functional Standard.
    IseSar,
    /// Determined not to be an ISE-SAR.
    NotIseSar,
    /// Closed.
    Closed,
}

impl SubmitterState {
    /// The sentence shown with the state.
    pub fn message(self) -> &'static str {
        match self {
            Self::Rejected => {
                "The submission was refused at intake because of invalid fields; correct them and send it again."
            }
            Self::Received => "The report was received and recorded.",
            Self::UnderReview => "The report was received and is under review.",
            Self::NeedsInformation => {
                "A reviewer needs more information; the receiving center may contact you."
            }
            Self::NotASar => {
                "The report was reviewed and is not a suspicious activity report; it is handled as a tip."
            }
            Self::Unfounded => "The report was reviewed and found unfounded; no further action.",
            Self::Vetting => {
                "The report passed the first review and awaits the ISE-SAR determination."
            }
            Self::IseSar => "The report was determined to be an ISE-SAR.",
            Self::NotIseSar => "The report was determined not to be an ISE-SAR.",
            Self::Closed => "The report is closed.",
        }
    }
}

/// The pipeline's and reviewers' record of a report, as far as the wording needs it (the
/// fields of the store's report status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress<'s> {
    pub(crate) stage: &'s str,
    pub(crate) disposition: Option<&'s str>,
}

/// The state for a ledger outcome and the report's progress (if any was recorded).
pub(crate) fn submitter_state(rejected: bool, progress: Option<Progress<'_>>) -> SubmitterState {
    if rejected {
        return SubmitterState::Rejected;
    }
    let Some(progress) = progress else {
        return SubmitterState::Received;
    };
    let decided = match progress.disposition {
        Some("unfounded") => Some(SubmitterState::Unfounded),
        Some("not_sar_criminal_tip") => Some(SubmitterState::NotASar),
        Some("needs_info") => Some(SubmitterState::NeedsInformation),
        Some("advance_to_step2") => Some(SubmitterState::Vetting),
        _ => None,
    };
    // Step-2 and closing decisions come after a disposition, so the stage wins when it names
    // one of them.
    match progress.stage {
        "ise_sar" => SubmitterState::IseSar,
        "not_ise_sar" => SubmitterState::NotIseSar,
        "closed" | "purged" => SubmitterState::Closed,
        _ => decided.unwrap_or(SubmitterState::UnderReview),
    }
}

/// `GET /v1/reports/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusView {
    /// The report id.
    pub report_id: String,
    /// The state.
    pub state: SubmitterState,
    /// What the state means, in a sentence.
    pub message: String,
    /// When the submission was received, RFC 3339.
    pub received_at: String,
    /// When the state last changed, RFC 3339.
    pub updated_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(stage: &str, disposition: Option<&str>) -> SubmitterState {
        submitter_state(false, Some(Progress { stage, disposition }))
    }

    #[test]
    fn the_ledger_decides_before_any_progress() {
        assert_eq!(submitter_state(true, None), SubmitterState::Rejected);
        assert_eq!(submitter_state(false, None), SubmitterState::Received);
    }

    #[test]
    fn internal_assessments_all_read_under_review() {
        for stage in [
            "normalized",
            "scored",
            "gated",
            "routed",
            "queued",
            "claimed",
            "x",
        ] {
            assert_eq!(state(stage, None), SubmitterState::UnderReview, "{stage}");
        }
        assert_eq!(
            state("queued", Some("whatever")),
            SubmitterState::UnderReview
        );
    }

    #[test]
    fn human_decisions_are_told() {
        assert_eq!(
            state("disposed", Some("unfounded")),
            SubmitterState::Unfounded
        );
        assert_eq!(
            state("disposed", Some("not_sar_criminal_tip")),
            SubmitterState::NotASar
        );
        assert_eq!(
            state("disposed", Some("needs_info")),
            SubmitterState::NeedsInformation
        );
        assert_eq!(
            state("disposed", Some("advance_to_step2")),
            SubmitterState::Vetting
        );
        assert_eq!(
            state("ise_sar", Some("advance_to_step2")),
            SubmitterState::IseSar
        );
        assert_eq!(state("not_ise_sar", None), SubmitterState::NotIseSar);
        assert_eq!(state("closed", Some("unfounded")), SubmitterState::Closed);
    }

    #[test]
    fn messages_are_plain_sentences() {
        for state in [
            SubmitterState::Rejected,
            SubmitterState::Received,
            SubmitterState::UnderReview,
            SubmitterState::NeedsInformation,
            SubmitterState::NotASar,
            SubmitterState::Unfounded,
            SubmitterState::Vetting,
            SubmitterState::IseSar,
            SubmitterState::NotIseSar,
            SubmitterState::Closed,
        ] {
            let message = state.message();
            assert!(message.ends_with('.') && message.len() < 120, "{message}");
        }
    }
}
