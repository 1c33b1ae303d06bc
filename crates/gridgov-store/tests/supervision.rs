#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cloned_ref_to_slice_refs
)]
//! Supervision and extensions, on both databases: the city presses on a district's incident
//! with reminders and cards, the department replies, the city accepts or sends back; listed
//! supervision is all or nothing; the handler asks for more time and the district grants it.
//! Every bad input is refused naming its field, nothing half-written is kept, and a center
//! elsewhere sees nothing and changes nothing.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::days_from_civil;
use gridgov_core::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS};
use gridgov_store::categories::CategoryInput;
use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentFilter, ReportInput};
use gridgov_store::supervision::{
    CardActionInput, CardInput, DeskFilter, DeskView, ExtensionDecision, ExtensionInput,
    ListedInput,
};
use gridgov_store::testing::add_user;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::{Store, StoreError, on_both};

/// An instant in Asia/Shanghai.
fn at(d: (i32, u32, u32), h: i64) -> i64 {
    days_from_civil(d) * DAY_MS + h * HOUR_MS - CHINA_OFFSET_MS
}

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

/// The town with the city's center above the district's, and a center of the district next
/// door (inside the city, outside the town).
struct City {
    t: Town,
    city: Actor,
    other: Actor,
}

async fn city(s: &Store) -> City {
    let t = town(s).await;
    let sys = Actor::system();
    let city = add_user(s, &sys, "city", Role::CenterOperator, "4202")
        .await
        .actor();
    let other = add_user(s, &sys, "xisai", Role::CenterOperator, "420203")
        .await
        .actor();
    City { t, city, other }
}

/// An incident reported in the first grid, accepted by the district and dispatched to the
/// grid and the urban department; the department has started. (county, id)
async fn in_progress(s: &Store, t: &Town, title: &str) -> (String, String) {
    let i = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: title.into(),
                description: "早市摊贩占用人行道，影响通行。".into(),
                category: "06".into(),
                grid_id: t.g1.clone(),
                address: "桂花路 12 号".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: t.g1.clone(),
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    s.act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    (c, id)
}

/// An incident the district rejected: no longer open.
async fn rejected(s: &Store, t: &Town) -> (String, String) {
    let i = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "重复上报的占道".into(),
                description: "与上一件相同。".into(),
                category: "06".into(),
                grid_id: t.g1.clone(),
                address: "桂花路".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let mut r = act("reject", i.version);
    r.reason = "不属于受理范围".into();
    s.act_on_incident(&t.center, &i.county_code, &i.id, &r)
        .await
        .unwrap();
    (i.county_code, i.id)
}

fn card(colour: &str, addressee: &str, due_days: &str, note: &str) -> CardInput {
    CardInput {
        colour: colour.into(),
        addressee: addressee.into(),
        due_days: due_days.into(),
        due_date: String::new(),
        note: note.into(),
    }
}

fn fields(e: StoreError) -> Vec<(String, &'static str)> {
    match e {
        StoreError::Invalid(i) => {
            i.0.into_iter()
                .map(|f| {
                    assert!(!f.zh.is_empty() && !f.en.is_empty(), "{f:?}");
                    (f.field, f.code)
                })
                .collect()
        }
        StoreError::Conflict(f) => vec![(f.field, f.code)],
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn refusal(e: StoreError) -> &'static str {
    match e {
        StoreError::Refused(r) => {
            assert!(!r.zh.is_empty() && !r.en.is_empty());
            r.code
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn f(field: &str, code: &'static str) -> (String, &'static str) {
    (field.to_owned(), code)
}

async fn count(s: &Store, sql: &str) -> i64 {
    s.scalar_for_tests(sql).await.unwrap()
}

on_both!(
    reminders_come_only_from_a_center_above_the_one_holding_it,
    |db| {
        let s = &db.store;
        let City { t, city, other } = city(s).await;
        db.clock.set_ms(at((2025, 6, 16), 9));
        let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
        let version = s.incident(&city, &c, &id).await.unwrap().version;

        db.clock.set_ms(at((2025, 6, 17), 10));
        let i = s
            .remind_incident(&city, &c, &id, "请加快办理，周五前反馈")
            .await
            .unwrap();
        assert_eq!(
            (i.reminders, i.last_reminded_at),
            (1, Some(at((2025, 6, 17), 10)))
        );
        assert_eq!(
            i.version, version,
            "a reminder leaves the version to the actions"
        );
        let page = s.incident_page(&city, &c, &id).await.unwrap();
        let last = page.timeline.last().unwrap();
        assert_eq!(last.action, "incident.remind");
        assert_eq!(last.event["kind"], "reminded");
        assert_eq!(last.event["note"], "请加快办理，周五前反馈");
        assert!(page.supervision.may_remind && page.supervision.may_supervise);

        // The district holds it: it is no higher center; nor is the grid worker or the handler.
        for who in [&t.center, &t.worker, &t.urban_handler] {
            let e = s.remind_incident(who, &c, &id, "催一下").await.unwrap_err();
            assert_eq!(refusal(e), "not_higher_center", "{}", who.username);
        }
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert!(!page.supervision.may_remind);
        // The district next door does not see it at all.
        assert!(matches!(
            s.remind_incident(&other, &c, &id, "催一下").await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            fields(
                s.remind_incident(&city, &c, &id, " \u{200B} ")
                    .await
                    .unwrap_err()
            ),
            [f("note", "required")]
        );
        // A rejected incident is no one's work.
        let (rc, rid) = rejected(s, &t).await;
        let e = s
            .remind_incident(&city, &rc, &rid, "催一下")
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "action_not_from_state");
        assert_eq!(
            count(s, "SELECT CAST(SUM(reminders) AS BIGINT) FROM incidents").await,
            1,
            "only the one reminder is counted"
        );
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.remind'"
            )
            .await,
            1
        );

        // Before the district accepts a report, the village holds it and the district is above.
        let fresh = s
            .report_incident(
                &t.worker,
                &ReportInput {
                    title: "井盖缺失".into(),
                    description: "湖滨路井盖缺失。".into(),
                    category: "06".into(),
                    grid_id: t.g1.clone(),
                    address: "湖滨路".into(),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap();
        let i = s
            .remind_incident(&t.center, &fresh.county_code, &fresh.id, "请尽快受理")
            .await
            .unwrap();
        assert_eq!(i.reminders, 1);
    }
);

on_both!(
    cards_go_down_to_whoever_holds_the_work_and_bad_ones_are_refused,
    |db| {
        let s = &db.store;
        let City { t, city, other } = city(s).await;
        // Friday 2025-06-13, 16:00.
        db.clock.set_ms(at((2025, 6, 13), 16));
        let (c, id) = in_progress(s, &t, "桂花路占道经营").await;

        let k = s
            .issue_card(
                &city,
                &c,
                &id,
                &card("red", "", "3", "逾期未办结，限期书面回复"),
            )
            .await
            .unwrap();
        assert_eq!((k.colour.as_str(), k.state.as_str()), ("red", "issued"));
        assert_eq!(
            (k.addressee_type.as_str(), k.addressee_id.as_str()),
            ("center", "420202")
        );
        assert_eq!(k.addressee_name, "黄石港区");
        // Three working days from a Friday afternoon: the end of Wednesday.
        assert_eq!(k.due_at, at((2025, 6, 19), 0));
        assert!(!k.overdue);
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        let last = page.timeline.last().unwrap();
        assert_eq!(
            (last.action.as_str(), &last.event["kind"]),
            ("incident.supervise", &"supervised".into())
        );
        assert_eq!(page.supervision.cards.len(), 1);
        assert_eq!(
            page.supervision.cards[0].allowed,
            ["reply"],
            "the district replies"
        );
        let card_page = s.supervision_card(&city, &c, &k.id).await.unwrap();
        assert_eq!(card_page.timeline.len(), 1);
        assert_eq!(card_page.timeline[0].action, "supervision.issue");
        assert_eq!(card_page.allowed, ["close"]);

        // To the department that works on it, by a date.
        let mut by_date = card("yellow", "department:dep-urban", "", "请说明进展");
        by_date.due_date = "2025-06-20".into();
        let k2 = s.issue_card(&city, &c, &id, &by_date).await.unwrap();
        assert_eq!(k2.due_at, at((2025, 6, 21), 0));
        assert_eq!(k2.addressee_name, "黄石港区城管执法局");

        let cards_before = count(s, "SELECT COUNT(*) FROM supervision_cards").await;
        let audit_before = count(s, "SELECT COUNT(*) FROM audit_log").await;
        // Every fault of the content at once.
        assert_eq!(
            fields(
                s.issue_card(&city, &c, &id, &card("green", "", "", ""))
                    .await
                    .unwrap_err()
            ),
            [
                f("colour", "unknown_card_colour"),
                f("due_days", "required"),
                f("note", "required")
            ]
        );
        for (input, fault) in [
            (
                card("red", "", "0", "限期回复"),
                f("due_days", "out_of_range"),
            ),
            (
                card("red", "", "61", "限期回复"),
                f("due_days", "out_of_range"),
            ),
            (
                card("red", "somewhere", "3", "限期回复"),
                f("addressee", "unknown"),
            ),
            (
                card("red", "center:999999", "3", "限期回复"),
                f("addressee", "unknown"),
            ),
            // Inside the city but not on this incident's chain.
            (
                card("red", "center:420203", "3", "限期回复"),
                f("addressee", "not_holding"),
            ),
            // Outside the issuer's scope.
            (
                card("red", "center:4301", "3", "限期回复"),
                f("addressee", "outside_scope"),
            ),
            (
                card("red", "center:4202", "3", "限期回复"),
                f("addressee", "outside_scope"),
            ),
            // A department with no task on it.
            (
                card("red", "department:dep-police", "3", "限期回复"),
                f("addressee", "not_holding"),
            ),
        ] {
            let e = s.issue_card(&city, &c, &id, &input).await.unwrap_err();
            assert_eq!(fields(e), [fault.clone()], "{input:?}");
        }
        let mut past = card("red", "", "", "限期回复");
        past.due_date = "2025-06-12".into();
        assert_eq!(
            fields(s.issue_card(&city, &c, &id, &past).await.unwrap_err()),
            [f("due_date", "in_the_past")]
        );
        past.due_days = "2".into();
        assert_eq!(
            fields(s.issue_card(&city, &c, &id, &past).await.unwrap_err()),
            [f("due_date", "both_given")]
        );
        // Not from a center that is not higher; not on a closed incident; nothing from outside.
        let e = s
            .issue_card(
                &t.center,
                &c,
                &id,
                &card("red", "department:dep-urban", "3", "限期回复"),
            )
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "not_higher_center");
        let e = s
            .issue_card(&t.urban_handler, &c, &id, &card("red", "", "3", "限期回复"))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "not_higher_center");
        let (rc, rid) = rejected(s, &t).await;
        let audit_before = audit_before + 2;
        assert_eq!(
            fields(
                s.issue_card(&city, &rc, &rid, &card("black", "", "3", "限期回复"))
                    .await
                    .unwrap_err()
            ),
            [f("incident", "closed")]
        );
        assert!(matches!(
            s.issue_card(&other, &c, &id, &card("red", "", "3", "限期回复"))
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM supervision_cards").await,
            cards_before
        );
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM audit_log").await,
            audit_before
        );
    }
);

on_both!(
    the_addressee_replies_and_the_issuer_accepts_or_sends_back,
    |db| {
        let s = &db.store;
        let City { t, city, other } = city(s).await;
        db.clock.set_ms(at((2025, 6, 16), 9));
        let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
        let k = s
            .issue_card(
                &city,
                &c,
                &id,
                &card("yellow", "department:dep-urban", "2", "请书面说明进展"),
            )
            .await
            .unwrap();
        let step = |action: &str, version: i64, text: &str| CardActionInput {
            action: action.into(),
            version,
            text: text.into(),
        };
        // Not the addressee: another department, the issuer, the district; nobody outside.
        for who in [&t.police_handler, &city, &t.center] {
            let e = s
                .act_on_card(who, &c, &k.id, &step("reply", 1, "已处理"))
                .await;
            match (who.username.as_str(), e) {
                // The police handler has no task on it: the incident is not even seen.
                ("police", Err(StoreError::NotFound)) => {}
                (_, Err(e)) => assert_eq!(refusal(e), "not_addressee"),
                (u, Ok(_)) => panic!("{u} replied"),
            }
        }
        assert!(matches!(
            s.act_on_card(&other, &c, &k.id, &step("reply", 1, "已处理"))
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            fields(
                s.act_on_card(&t.urban_handler, &c, &k.id, &step("reply", 1, "  "))
                    .await
                    .unwrap_err()
            ),
            [f("reply", "required")]
        );
        assert_eq!(
            fields(
                s.act_on_card(&t.urban_handler, &c, &k.id, &step("answer", 1, "好"))
                    .await
                    .unwrap_err()
            ),
            [f("action", "unknown_card_action")]
        );
        let e = s
            .act_on_card(&t.urban_handler, &c, &k.id, &step("accept", 1, ""))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "action_not_from_state");

        let k = s
            .act_on_card(
                &t.urban_handler,
                &c,
                &k.id,
                &step("reply", 1, "已安排人员清理"),
            )
            .await
            .unwrap();
        assert_eq!((k.state.as_str(), k.version), ("replied", 2));
        assert_eq!(k.reply.as_deref(), Some("已安排人员清理"));
        let e = s
            .act_on_card(&t.urban_handler, &c, &k.id, &step("accept", 2, ""))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "not_issuer");
        assert_eq!(
            fields(
                s.act_on_card(&city, &c, &k.id, &step("send_back", 2, ""))
                    .await
                    .unwrap_err()
            ),
            [f("reason", "required")]
        );
        let e = s
            .act_on_card(&city, &c, &k.id, &step("send_back", 1, "请附整改照片"))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "version_conflict");
        let k = s
            .act_on_card(&city, &c, &k.id, &step("send_back", 2, "请附整改照片"))
            .await
            .unwrap();
        assert_eq!((k.state.as_str(), k.sent_back_count), ("issued", 1));
        let k = s
            .act_on_card(
                &t.urban_handler,
                &c,
                &k.id,
                &step("reply", 3, "已清理，照片见附件"),
            )
            .await
            .unwrap();
        let k = s
            .act_on_card(&city, &c, &k.id, &step("accept", k.version, "认可"))
            .await
            .unwrap();
        assert_eq!(k.state, "accepted");
        let e = s
            .act_on_card(&city, &c, &k.id, &step("close", k.version, ""))
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "action_not_from_state");
        let page = s.supervision_card(&city, &c, &k.id).await.unwrap();
        let actions: Vec<&str> = page.timeline.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "supervision.issue",
                "supervision.reply",
                "supervision.send_back",
                "supervision.reply",
                "supervision.accept"
            ]
        );
    }
);

on_both!(
    the_desk_shows_what_is_due_overdue_and_answered_in_scope_only,
    |db| {
        let s = &db.store;
        let City { t, city, other } = city(s).await;
        db.clock.set_ms(at((2025, 6, 16), 9));
        let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
        let k1 = s
            .issue_card(
                &city,
                &c,
                &id,
                &card("yellow", "department:dep-urban", "1", "请说明进展"),
            )
            .await
            .unwrap();
        let k2 = s
            .issue_card(&city, &c, &id, &card("red", "", "5", "限期办结"))
            .await
            .unwrap();
        let k3 = s
            .issue_card(&city, &c, &id, &card("black", "", "5", "挂牌整改"))
            .await
            .unwrap();
        s.act_on_card(
            &t.center,
            &c,
            &k3.id,
            &CardActionInput {
                action: "reply".into(),
                version: 1,
                text: "已整改完毕".into(),
            },
        )
        .await
        .unwrap();
        // Wednesday: the yellow card (one working day) is overdue.
        db.clock.set_ms(at((2025, 6, 18), 10));
        let desk = s
            .supervision_desk(&city, &DeskFilter::default())
            .await
            .unwrap();
        assert_eq!(desk.cards.len(), 3);
        let c1 = desk.cards.iter().find(|x| x.card.id == k1.id).unwrap();
        assert!(c1.card.overdue);
        assert_eq!(c1.incident_title, "桂花路占道经营");
        let n = &desk.counts;
        assert_eq!((n.due, n.overdue, n.answered, n.to_reply), (1, 1, 1, 0));
        let view = |v: DeskView| DeskFilter {
            view: v,
            ..Default::default()
        };
        let ids = |d: gridgov_store::supervision::SupervisionDesk| {
            d.cards.into_iter().map(|x| x.card.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(s
                .supervision_desk(&city, &view(DeskView::Overdue))
                .await
                .unwrap()),
            [k1.id.clone()]
        );
        assert_eq!(
            ids(s
                .supervision_desk(&city, &view(DeskView::Due))
                .await
                .unwrap()),
            [k2.id.clone()]
        );
        assert_eq!(
            ids(s
                .supervision_desk(&city, &view(DeskView::Answered))
                .await
                .unwrap()),
            [k3.id.clone()]
        );
        let red = DeskFilter {
            colour: "red".into(),
            ..Default::default()
        };
        assert_eq!(
            ids(s.supervision_desk(&city, &red).await.unwrap()),
            [k2.id.clone()]
        );
        // The addressees' views: the department's one card, the district's one waiting.
        let mine = s
            .supervision_desk(&t.urban_handler, &view(DeskView::ToReply))
            .await
            .unwrap();
        assert_eq!((mine.counts.to_reply, ids(mine)), (1, vec![k1.id.clone()]));
        let mine = s
            .supervision_desk(&t.center, &view(DeskView::ToReply))
            .await
            .unwrap();
        assert_eq!(ids(mine), [k2.id.clone()]);
        // Outside: nothing, and no count either.
        for who in [&other, &t.worker2, &t.police_handler] {
            let d = s
                .supervision_desk(who, &DeskFilter::default())
                .await
                .unwrap();
            assert!(d.cards.is_empty(), "{}", who.username);
            let n = &d.counts;
            assert_eq!(n.due + n.overdue + n.answered + n.accepted + n.closed, 0);
            assert!(matches!(
                s.supervision_card(who, &c, &k1.id).await,
                Err(StoreError::NotFound)
            ));
        }
        assert_eq!(
            fields(
                s.supervision_desk(
                    &city,
                    &DeskFilter {
                        state: "done".into(),
                        ..Default::default()
                    }
                )
                .await
                .unwrap_err()
            ),
            [f("state", "unknown_card_state")]
        );
    }
);

on_both!(two_replies_at_once_keep_one_and_refuse_the_other, |db| {
    let s = &db.store;
    let City { t, city, .. } = city(s).await;
    db.clock.set_ms(at((2025, 6, 16), 9));
    let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
    let k = s
        .issue_card(
            &city,
            &c,
            &id,
            &card("red", "department:dep-urban", "3", "限期回复"),
        )
        .await
        .unwrap();
    let reply = |text: &str| CardActionInput {
        action: "reply".into(),
        version: 1,
        text: text.into(),
    };
    let (first, second) = (reply("第一份回复"), reply("第二份回复"));
    let (a, b) = tokio::join!(
        s.act_on_card(&t.urban_handler, &c, &k.id, &first),
        s.act_on_card(&t.urban_handler, &c, &k.id, &second),
    );
    let (won, lost) = match (a, b) {
        (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
        other => panic!("one reply must win: {other:?}"),
    };
    match lost {
        StoreError::Refused(r) => assert!(r.is_conflict(), "{}", r.code),
        e => panic!("the loser must be refused as a conflict: {e:?}"),
    }
    let page = s.supervision_card(&city, &c, &k.id).await.unwrap();
    assert_eq!(page.card.reply, won.reply);
    assert_eq!(page.timeline.len(), 2);
});

on_both!(listed_supervision_is_all_or_nothing, |db| {
    let s = &db.store;
    let City { t, city, other } = city(s).await;
    db.clock.set_ms(at((2025, 6, 16), 9));
    let a = in_progress(s, &t, "桂花路占道经营").await;
    let b = in_progress(s, &t, "湖滨路乱堆放").await;
    let r = rejected(s, &t).await;
    let key = |k: &(String, String)| format!("{}/{}", k.0, k.1);
    let list = |incidents: Vec<String>| ListedInput {
        incidents,
        colour: "red".into(),
        due_days: "5".into(),
        note: "挂牌督办：占道经营专项整治".into(),
        ..Default::default()
    };
    // A closed incident in the list: nothing is issued, and the refusal names it.
    assert_eq!(
        fields(
            s.issue_listed(&city, &list(vec![key(&a), key(&b), key(&r)]))
                .await
                .unwrap_err()
        ),
        [f("incidents[2]", "closed")]
    );
    let e = s
        .issue_listed(&city, &list(vec![key(&a), "x".into()]))
        .await
        .unwrap_err();
    assert_eq!(fields(e), [f("incidents[1]", "bad_key")]);
    assert_eq!(
        fields(
            s.issue_listed(&other, &list(vec![key(&a)]))
                .await
                .unwrap_err()
        ),
        [f("incidents[0]", "not_found")]
    );
    assert_eq!(
        fields(
            s.issue_listed(&t.center, &list(vec![key(&a)]))
                .await
                .unwrap_err()
        ),
        [f("incidents[0]", "not_higher_center")]
    );
    assert_eq!(
        fields(s.issue_listed(&city, &list(vec![])).await.unwrap_err()),
        [f("incidents", "required")]
    );
    assert_eq!(count(s, "SELECT COUNT(*) FROM supervision_cards").await, 0);
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'supervision.%'"
        )
        .await,
        0
    );
    let cards = s
        .issue_listed(&city, &list(vec![key(&a), key(&b), key(&a)]))
        .await
        .unwrap();
    assert_eq!(cards.len(), 2, "each incident once");
    assert!(cards[0].batch_id.is_some() && cards[0].batch_id == cards[1].batch_id);
    // By the work list's filters: the open ones in progress.
    let by_filter = ListedInput {
        filter: Some(IncidentFilter {
            state: "in_progress".into(),
            ..Default::default()
        }),
        ..list(vec![])
    };
    assert_eq!(s.issue_listed(&city, &by_filter).await.unwrap().len(), 2);
    assert_eq!(count(s, "SELECT COUNT(*) FROM supervision_cards").await, 4);
});

on_both!(
    a_handler_asks_for_more_time_and_the_district_decides,
    |db| {
        let s = &db.store;
        let City { t, city, other } = city(s).await;
        db.clock.set_ms(at((2025, 6, 16), 9));
        let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
        let page = s.incident_page(&t.urban_handler, &c, &id).await.unwrap();
        let task = page
            .tasks
            .iter()
            .find(|x| x.assignee_id == t.urban)
            .unwrap()
            .clone();
        assert_eq!(page.supervision.extension_tasks, [task.id.clone()]);
        let due = task.due_at.unwrap();
        let ask = |days: &str, reason: &str| ExtensionInput {
            task_id: String::new(),
            days: days.into(),
            reason: reason.into(),
        };
        for (input, fault) in [
            (ask("0", "材料未到"), f("days", "not_positive")),
            (ask("11", "材料未到"), f("days", "beyond_maximum")),
            (ask("三", "材料未到"), f("days", "not_a_number")),
            (ask("3", " "), f("reason", "required")),
        ] {
            let e = s
                .request_extension(&t.urban_handler, &c, &id, &input)
                .await
                .unwrap_err();
            assert_eq!(fields(e), [fault.clone()], "{input:?}");
        }
        // Not their task: the police have none here, the worker's grid task is not in progress.
        assert!(matches!(
            s.request_extension(&t.police_handler, &c, &id, &ask("3", "材料未到"))
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(
            s.request_extension(&t.worker, &c, &id, &ask("3", "材料未到"))
                .await
                .is_err()
        );
        assert!(matches!(
            s.request_extension(&other, &c, &id, &ask("3", "材料未到"))
                .await,
            Err(StoreError::NotFound)
        ));
        let x = s
            .request_extension(&t.urban_handler, &c, &id, &ask("3", "需等待施工材料到货"))
            .await
            .unwrap();
        assert_eq!(
            (x.state.as_str(), x.days, x.due_before),
            ("pending", 3, Some(due))
        );
        assert_eq!(
            fields(
                s.request_extension(&t.urban_handler, &c, &id, &ask("1", "再等一天"))
                    .await
                    .unwrap_err()
            ),
            [f("task_id", "extension_pending")]
        );
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert!(page.supervision.may_decide_extensions);
        // Only the dispatching center decides: not the city above, not the handler.
        let grant = ExtensionDecision {
            grant: true,
            note: String::new(),
        };
        for who in [&city, &t.urban_handler] {
            let e = s
                .decide_extension(who, &c, &id, &x.id, &grant)
                .await
                .unwrap_err();
            assert_eq!(refusal(e), "not_dispatching_center");
        }
        assert!(matches!(
            s.decide_extension(&other, &c, &id, &x.id, &grant).await,
            Err(StoreError::NotFound)
        ));
        let before = s.incident(&t.center, &c, &id).await.unwrap();
        let x = s
            .decide_extension(&t.center, &c, &id, &x.id, &grant)
            .await
            .unwrap();
        let moved =
            gridgov_core::deadlines::extend(&gridgov_core::workdays::Calendar::official(), due, 3)
                .unwrap();
        assert_eq!((x.state.as_str(), x.due_after), ("granted", Some(moved)));
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        let task_now = page.tasks.iter().find(|x| x.id == task.id).unwrap();
        assert_eq!(task_now.due_at, Some(moved));
        assert_eq!(
            page.incident.due_at,
            Some(moved.max(before.due_at.unwrap()))
        );
        assert_eq!(page.incident.version, before.version + 1);
        let kinds: Vec<&str> = page
            .timeline
            .iter()
            .filter_map(|e| e.event["kind"].as_str())
            .collect();
        assert!(
            kinds.ends_with(&["extension_requested", "extension_decided"]),
            "{kinds:?}"
        );
        let e = s
            .decide_extension(&t.center, &c, &id, &x.id, &grant)
            .await
            .unwrap_err();
        assert_eq!(refusal(e), "action_not_from_state");

        // Three granted of the default ten; a category's own maximum of five leaves two.
        let sys = Actor::system();
        let cat = s.category(&sys, "06").await.unwrap();
        assert_eq!(cat.max_extension_days, None);
        let mut input = CategoryInput {
            name: cat.name.clone(),
            name_en: cat.name_en.clone(),
            default_grade: cat.default_grade.as_str().into(),
            sectors: cat.sectors.iter().map(|x| x.as_str().to_owned()).collect(),
            public: cat.public,
            sort_order: cat.sort_order.to_string(),
            ..Default::default()
        };
        for (typed, code) in [
            ("61", "out_of_range"),
            ("0", "out_of_range"),
            ("五", "not_a_number"),
        ] {
            input.max_extension_days = typed.into();
            let e = s
                .update_category(&sys, "06", &input, cat.version)
                .await
                .unwrap_err();
            assert_eq!(fields(e), [f("max_extension_days", code)], "{typed}");
        }
        input.max_extension_days = "5".into();
        let cat = s
            .update_category(&sys, "06", &input, cat.version)
            .await
            .unwrap();
        assert_eq!(cat.max_extension_days, Some(5));
        assert_eq!(
            fields(
                s.request_extension(&t.urban_handler, &c, &id, &ask("3", "仍需等待"))
                    .await
                    .unwrap_err()
            ),
            [f("days", "beyond_maximum")]
        );
        let x2 = s
            .request_extension(&t.urban_handler, &c, &id, &ask("2", "仍需等待"))
            .await
            .unwrap();
        let refuse = ExtensionDecision {
            grant: false,
            note: "请按期办结".into(),
        };
        let x2 = s
            .decide_extension(&t.center, &c, &id, &x2.id, &refuse)
            .await
            .unwrap();
        assert_eq!((x2.state.as_str(), x2.due_after), ("refused", None));
        let task_now = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert_eq!(
            task_now
                .tasks
                .iter()
                .find(|x| x.id == task.id)
                .unwrap()
                .due_at,
            Some(moved),
            "a refusal moves nothing"
        );
    }
);

on_both!(two_grants_at_once_keep_one_and_refuse_the_other, |db| {
    let s = &db.store;
    let City { t, .. } = city(s).await;
    db.clock.set_ms(at((2025, 6, 16), 9));
    let (c, id) = in_progress(s, &t, "桂花路占道经营").await;
    let x = s
        .request_extension(
            &t.urban_handler,
            &c,
            &id,
            &ExtensionInput {
                days: "2".into(),
                reason: "需等待施工材料".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let grant = ExtensionDecision {
        grant: true,
        note: String::new(),
    };
    let (a, b) = tokio::join!(
        s.decide_extension(&t.center, &c, &id, &x.id, &grant),
        s.decide_extension(&t.center, &c, &id, &x.id, &grant),
    );
    let lost = match (a, b) {
        (Ok(_), Err(l)) | (Err(l), Ok(_)) => l,
        other => panic!("one grant must win: {other:?}"),
    };
    match lost {
        StoreError::Refused(r) => assert!(r.is_conflict(), "{}", r.code),
        e => panic!("the loser must be refused as a conflict: {e:?}"),
    }
    let moved = s
        .scalar_for_tests("SELECT due_after FROM incident_extensions")
        .await
        .unwrap();
    let task_due = s
        .scalar_for_tests(
            "SELECT due_at FROM incident_tasks WHERE id = (SELECT task_id FROM incident_extensions)",
        )
        .await
        .unwrap();
    assert_eq!(task_due, moved, "extended once, not twice");
});
