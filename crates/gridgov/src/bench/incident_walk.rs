//! An incident walked through the loop in memory, for the filler: each step asks core's tables
//! where the action leads (`transition`, `task_transition`, `after_task`) and changes the row
//! and its tasks the way the store's action would, so a loaded incident is one the store could
//! have written. A step the tables refuse is an error, never a silent skip.

use anyhow::{Result, anyhow};
use gridgov_core::incidents::{
    IncidentAction as A, IncidentState, ResolutionLevel, SHIRKING_RETURNS, TaskState, after_task,
    task_transition, transition,
};
use gridgov_core::regions::RegionLevel;
use gridgov_store::incidents::{BulkIncident, BulkTask};

/// Who the assignee of a new task is.
#[derive(Debug, Clone)]
pub struct Assign {
    /// territorial, department_lead or department_assist.
    pub kind: &'static str,
    /// grid, region or department.
    pub assignee_type: &'static str,
    pub assignee_id: String,
    /// The path of the department or region (for the resolution level); a grid's is its own.
    pub path: String,
}

pub struct Walk {
    pub inc: BulkIncident,
    pub now: i64,
    /// The paths of the tasks' assignees, beside `inc.tasks`.
    paths: Vec<String>,
    /// Randomness for the v7 ids of new tasks.
    pub id_bits: u128,
}

fn live(t: &BulkTask) -> bool {
    matches!(t.state.as_str(), "assigned" | "accepted" | "in_progress")
}

fn state(s: &str) -> Result<IncidentState> {
    IncidentState::parse("state", s).map_err(|e| anyhow!(e.en))
}

fn task_state(s: &str) -> Result<TaskState> {
    TaskState::parse("state", s).map_err(|e| anyhow!(e.en))
}

/// A v7 UUID of the moment, as `Uuid::now_v7` would have made then.
pub fn id_at(ms: i64, bits: u128) -> String {
    let random: [u8; 10] = bits.to_le_bytes()[..10].try_into().unwrap_or([0; 10]);
    uuid::Builder::from_unix_timestamp_millis(ms.max(0) as u64, &random)
        .into_uuid()
        .to_string()
}

impl Walk {
    /// A new report: state `reported`, version 1.
    pub fn new(inc: BulkIncident, id_bits: u128) -> Walk {
        Walk {
            now: inc.reported_at,
            inc,
            paths: Vec::new(),
            id_bits,
        }
    }

    /// Moves the clock on and takes the action on the incident's row: its next state, version
    /// and time. `others_live` is for the actions that end a task.
    fn act(&mut self, action: A, after_ms: i64, others_live: Option<usize>) -> Result<()> {
        self.now += after_ms.max(1);
        let from = state(&self.inc.state)?;
        let mut next = transition(from, action).map_err(|e| anyhow!(e.en))?;
        if let Some(n) = others_live {
            next = after_task(action, next, n);
        }
        if let Some(n) = next {
            self.inc.state = n.as_str().to_owned();
        }
        self.inc.version += 1;
        self.inc.updated_at = self.now;
        Ok(())
    }

    fn set_task(&mut self, k: usize, action: A, handler: Option<&str>) -> Result<()> {
        let now = self.now;
        let t = self
            .inc
            .tasks
            .get_mut(k)
            .ok_or_else(|| anyhow!("no task {k}"))?;
        let to = task_transition(task_state(&t.state)?, action).map_err(|e| anyhow!(e.en))?;
        t.state = to.as_str().to_owned();
        t.updated_at = now;
        if matches!(
            to,
            TaskState::InProgress | TaskState::Handled | TaskState::Returned
        ) && action != A::Rework
        {
            t.handler_id = handler.map(str::to_owned);
        }
        if to == TaskState::Accepted {
            t.reported_in_at = Some(now);
        }
        Ok(())
    }

    fn others_live(&self, k: usize) -> usize {
        self.inc
            .tasks
            .iter()
            .enumerate()
            .filter(|(i, t)| *i != k && live(t))
            .count()
    }

    /// Indices of the live tasks.
    pub fn live_tasks(&self) -> Vec<usize> {
        (0..self.inc.tasks.len())
            .filter(|k| live(&self.inc.tasks[*k]))
            .collect()
    }

    pub fn accept(&mut self, after: i64, center_path: &str) -> Result<()> {
        self.act(A::Accept, after, None)?;
        self.inc.center_path = center_path.to_owned();
        Ok(())
    }

    pub fn reject(&mut self, after: i64) -> Result<()> {
        self.act(A::Reject, after, None)
    }

    pub fn merge(&mut self, after: i64, into: &str) -> Result<()> {
        self.act(A::Merge, after, None)?;
        self.cancel_live();
        self.inc.merged_into = Some(into.to_owned());
        Ok(())
    }

    fn new_tasks(&mut self, tasks: &[Assign], report_in_hours: Option<i64>) {
        for (n, a) in tasks.iter().enumerate() {
            let bits = self
                .id_bits
                .rotate_left(7 * (self.inc.tasks.len() + n + 1) as u32);
            self.inc.tasks.push(BulkTask {
                id: id_at(self.now, bits),
                kind: a.kind.to_owned(),
                assignee_type: a.assignee_type.to_owned(),
                assignee_id: a.assignee_id.clone(),
                state: "assigned".into(),
                summoned: report_in_hours.is_some(),
                report_in_due: report_in_hours.map(|h| self.now + h * 3_600_000),
                created_at: self.now,
                updated_at: self.now,
                ..BulkTask::default()
            });
            self.paths.push(a.path.clone());
        }
    }

    pub fn dispatch(&mut self, after: i64, center_path: &str, tasks: &[Assign]) -> Result<()> {
        self.act(A::Dispatch, after, None)?;
        self.inc.center_path = center_path.to_owned();
        self.new_tasks(tasks, None);
        Ok(())
    }

    pub fn whistle(&mut self, after: i64, departments: &[Assign]) -> Result<()> {
        self.act(A::Whistle, after, None)?;
        self.new_tasks(departments, Some(24));
        Ok(())
    }

    pub fn report_in(&mut self, after: i64, k: usize) -> Result<()> {
        self.act(A::ReportIn, after, None)?;
        self.set_task(k, A::ReportIn, None)
    }

    pub fn start(&mut self, after: i64, k: usize, handler: &str) -> Result<()> {
        self.act(A::Start, after, None)?;
        self.set_task(k, A::Start, Some(handler))
    }

    pub fn handle(&mut self, after: i64, k: usize, handler: &str, result: &str) -> Result<()> {
        let others = self.others_live(k);
        self.act(A::Handle, after, Some(others))?;
        self.set_task(k, A::Handle, Some(handler))?;
        let t = &mut self.inc.tasks[k];
        t.result = Some(result.to_owned());
        t.handled_at = Some(self.now);
        Ok(())
    }

    /// Sends a task back; a second return by the same assignee flags shirking (推诿).
    pub fn return_task(&mut self, after: i64, k: usize, handler: &str) -> Result<()> {
        let others = self.others_live(k);
        self.act(A::ReturnTask, after, Some(others))?;
        let (kind, id) = (
            self.inc.tasks[k].assignee_type.clone(),
            self.inc.tasks[k].assignee_id.clone(),
        );
        let before: i64 = self
            .inc
            .tasks
            .iter()
            .filter(|t| t.assignee_type == kind && t.assignee_id == id)
            .map(|t| t.return_count)
            .sum();
        self.set_task(k, A::ReturnTask, Some(handler))?;
        self.inc.tasks[k].return_count += 1;
        self.inc.return_count += 1;
        if before + 1 >= SHIRKING_RETURNS as i64 {
            self.inc.shirking = true;
        }
        Ok(())
    }

    pub fn suspend(&mut self, after: i64) -> Result<()> {
        self.act(A::Suspend, after, None)
    }

    pub fn resume(&mut self, after: i64) -> Result<()> {
        self.act(A::Resume, after, None)
    }

    pub fn confirm(&mut self, after: i64) -> Result<()> {
        self.act(A::Confirm, after, None)
    }

    fn cancel_live(&mut self) {
        let now = self.now;
        for t in self.inc.tasks.iter_mut().filter(|t| live(t)) {
            t.state = "cancelled".into();
            t.updated_at = now;
        }
    }

    /// Closed by the center at `center_path`; the resolution level as the store works it out.
    pub fn approve(&mut self, after: i64, center_path: &str) -> Result<()> {
        self.act(A::Approve, after, None)?;
        let level = self.resolution_level(center_path);
        self.cancel_live();
        self.inc.resolution_level = Some(level.as_str().to_owned());
        self.inc.closed_at = Some(self.now);
        Ok(())
    }

    fn resolution_level(&self, center_path: &str) -> ResolutionLevel {
        let handled: Vec<usize> = (0..self.inc.tasks.len())
            .filter(|k| self.inc.tasks[*k].state == "handled")
            .collect();
        if handled
            .iter()
            .any(|k| self.inc.tasks[*k].assignee_type == "grid")
        {
            return ResolutionLevel::Grid;
        }
        let level = |p: &str| {
            RegionLevel::from_number(p.split('/').filter(|s| !s.is_empty()).count() as i64)
                .map(ResolutionLevel::of_region)
        };
        let rank = |l: &ResolutionLevel| ResolutionLevel::ALL.iter().position(|x| x == l);
        handled
            .iter()
            .filter_map(|k| level(&self.paths[*k]))
            .min_by_key(rank)
            .or_else(|| level(center_path))
            .unwrap_or(ResolutionLevel::City)
    }

    /// Sends every handled task back to work.
    pub fn rework(&mut self, after: i64) -> Result<()> {
        self.act(A::Rework, after, None)?;
        let now = self.now;
        for t in self.inc.tasks.iter_mut().filter(|t| t.state == "handled") {
            t.state = "in_progress".into();
            t.updated_at = now;
        }
        self.inc.rework_count += 1;
        Ok(())
    }

    pub fn evaluate(&mut self, after: i64, evaluation: &str) -> Result<()> {
        self.act(A::Evaluate, after, None)?;
        self.inc.evaluation = Some(evaluation.to_owned());
        Ok(())
    }

    pub fn reopen(&mut self, after: i64) -> Result<()> {
        if self.inc.evaluation.as_deref() != Some("unsatisfied") {
            return Err(anyhow!("only an unsatisfied rating reopens"));
        }
        self.act(A::Reopen, after, None)?;
        self.inc.reopen_count += 1;
        self.inc.evaluation = None;
        self.inc.closed_at = None;
        Ok(())
    }
}
