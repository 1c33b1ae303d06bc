//! Verification tasks: every role × holder × state × action against the rules stated again as
//! matches, and the stories the store tells today (claim race, takeover, release by a center).

use super::*;
use crate::auth::{Permission, Role};

use Holder as H;
use VerifyAction as A;
use VerifyState as S;

/// The rules once more, as the store's documentation words them.
fn oracle(role: Role, holder: Holder, state: S, action: A) -> Result<Option<S>, VerifyRefusal> {
    use VerifyRefusal as R;
    if !role.can(Permission::VerifyRecords) {
        return Err(R::Forbidden);
    }
    let center = role.can(Permission::CompareSources);
    match (action, state, holder) {
        (_, S::Resolved, _) => Err(R::TaskResolved),
        (A::Claim, S::Open, H::Nobody | H::Caller | H::Lapsed) => Ok(Some(S::Claimed)),
        (A::Claim, S::Claimed, H::Caller) => Ok(None),
        (A::Claim, S::Claimed, H::Nobody | H::Lapsed) => Ok(Some(S::Claimed)),
        (A::Claim, _, H::Other) => Err(R::TaskClaimed),
        (A::Decide, S::Open, _) => Err(R::TaskNotClaimed),
        (A::Release | A::Lapse, S::Open, _) => Err(R::TaskOpen),
        (A::Decide, S::Claimed, H::Caller) => Ok(Some(S::Resolved)),
        (A::Release, S::Claimed, H::Caller) => Ok(Some(S::Open)),
        (A::Release, S::Claimed, H::Other | H::Lapsed) if center => Ok(Some(S::Open)),
        (A::Lapse, S::Claimed, H::Lapsed) => Ok(Some(S::Open)),
        _ => Err(R::TaskClaimed),
    }
}

#[test]
fn every_role_holder_state_and_action_follows_the_rules() {
    let mut walked = 0;
    for role in Role::ALL {
        for holder in Holder::ALL {
            for &state in VerifyState::ALL {
                let want_allowed: Vec<A> = VerifyAction::ALL
                    .iter()
                    .copied()
                    .filter(|a| oracle(role, holder, state, *a).is_ok())
                    .collect();
                assert_eq!(
                    allowed(role, holder, state),
                    want_allowed,
                    "{role} {holder:?} {state}"
                );
                for &action in VerifyAction::ALL {
                    walked += 1;
                    let got = check(role, holder, state, action);
                    let want = oracle(role, holder, state, action);
                    match (&got, &want) {
                        (Ok(g), Ok(w)) => assert_eq!(g, w, "{role} {holder:?} {state} {action}"),
                        (Err(e), Err(r)) => {
                            assert_eq!(e.refusal, *r, "{role} {holder:?} {state} {action}");
                            assert_eq!(e.allowed, want_allowed);
                        }
                        _ => panic!("{role} {holder:?} {state} {action}: {got:?} vs {want:?}"),
                    }
                }
            }
        }
    }
    assert_eq!(walked, 15 * 4 * 3 * 4);
}

#[test]
fn one_claimer_wins_and_claiming_again_changes_nothing() {
    let w = Role::GridWorker;
    assert_eq!(check(w, H::Nobody, S::Open, A::Claim), Ok(Some(S::Claimed)));
    let e = check(w, H::Other, S::Claimed, A::Claim).unwrap_err();
    assert_eq!(e.refusal.code(), "task_claimed");
    assert_eq!(e.allowed, []);
    assert_eq!(check(w, H::Caller, S::Claimed, A::Claim), Ok(None));
    // A week later the claim has lapsed and the next worker takes it over.
    assert_eq!(
        check(w, H::Lapsed, S::Claimed, A::Claim),
        Ok(Some(S::Claimed))
    );
}

#[test]
fn only_the_claimer_decides_and_a_center_may_free_a_claim() {
    let w = Role::GridWorker;
    assert_eq!(
        check(w, H::Caller, S::Claimed, A::Decide),
        Ok(Some(S::Resolved))
    );
    let e = check(w, H::Nobody, S::Open, A::Decide).unwrap_err();
    assert_eq!(e.refusal.code(), "task_not_claimed");
    assert_eq!(e.allowed, [A::Claim]);
    let e = check(w, H::Caller, S::Resolved, A::Decide).unwrap_err();
    assert_eq!(e.refusal.code(), "task_resolved");
    assert_eq!(
        check(w, H::Other, S::Claimed, A::Release)
            .unwrap_err()
            .refusal,
        VerifyRefusal::TaskClaimed
    );
    assert_eq!(
        check(Role::GridAdmin, H::Other, S::Claimed, A::Release),
        Ok(Some(S::Open))
    );
    assert_eq!(
        check(Role::CenterOperator, H::Lapsed, S::Claimed, A::Release),
        Ok(Some(S::Open))
    );
    // A system administrator compares sources but does not verify: the store refuses it first.
    let e = check(Role::SystemAdmin, H::Other, S::Claimed, A::Release).unwrap_err();
    assert_eq!(e.refusal, VerifyRefusal::Forbidden);
    let f: crate::FieldError = check(Role::Informant, H::Nobody, S::Open, A::Claim)
        .unwrap_err()
        .into();
    assert_eq!((f.field.as_str(), f.code), ("task", "forbidden"));
    assert!(!f.zh.is_empty() && !f.en.is_empty());
}

#[test]
fn a_claim_lapses_after_a_week_but_never_for_its_holder() {
    let now = 1_800_000_000_000;
    let at = |ago| Some(now - ago);
    assert_eq!(Holder::of(None, None, "me", now), H::Nobody);
    assert_eq!(
        Holder::of(Some("me"), at(30 * CLAIM_EXPIRES_MS), "me", now),
        H::Caller
    );
    assert_eq!(
        Holder::of(Some("you"), at(CLAIM_EXPIRES_MS), "me", now),
        H::Other
    );
    assert_eq!(
        Holder::of(Some("you"), at(CLAIM_EXPIRES_MS + 1), "me", now),
        H::Lapsed
    );
    assert_eq!(Holder::of(Some("you"), None, "me", now), H::Other);
}

#[test]
fn every_action_has_one_transition_and_someone_to_take_it() {
    for &a in VerifyAction::ALL {
        assert_eq!(
            TRANSITIONS.iter().filter(|(x, _, _)| *x == a).count(),
            1,
            "{a}"
        );
        assert!(WHO.iter().any(|(x, _, _)| *x == a), "{a}");
    }
    for &s in VerifyState::ALL {
        assert_eq!(VerifyState::parse("status", s.as_str()), Ok(s));
    }
    assert_eq!(
        transition(S::Open, A::Release),
        Err(VerifyRefusal::TaskOpen)
    );
}
