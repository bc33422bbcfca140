//! Exhaustive interleaving check of the future's locked protocol.
//!
//! Every [`Cell`] operation runs atomically (as it does under the future's lock), and the work a
//! completion hands back (running callbacks, notifying listeners) runs as a separate step outside it, so
//! the scheduler may interleave anything between the two. Depth-first search visits every schedule of a
//! few actors and checks, at each step and at the end of each schedule:
//! - a terminal state never changes again, and the outcome is stored exactly when the state is `Finished`;
//! - exactly one completion happens;
//! - every callback runs exactly once; those added before completion run in the order they were added;
//! - every listener is told exactly once (notified, or handed back because the future was already done);
//! - `cancel` succeeds only if the task never started running, and a running task is never skipped;
//! - a refused `finish` leaves the first outcome in place.

use super::cell::{Cell, Completion, Listener};

/// In the model, listeners are plain numbers; each is its own waiter.
impl Listener for u32 {
    fn waiter_id(&self) -> Option<usize> {
        Some(*self as usize)
    }
}
use super::state::{State, ToCancelled, ToRunning};
use crate::FutureError;

#[derive(Clone, Copy, Debug)]
enum Op {
    /// The worker: set_running, then finish with the value if it ran.
    SetRunning,
    FinishIfRan(u32),
    /// Someone completing the future by hand (`set_result`).
    Finish(u32),
    Cancel,
    AddCallback(u32),
    AddListener(u32),
}

#[derive(Clone, Debug, Default)]
struct Actor {
    ops: Vec<Op>,
    pc: usize,
    ran: bool,
    /// Work handed out by the last locked step, to be carried out in the actor's next step.
    after_lock: Option<(Vec<u32>, Vec<u32>)>,
}

#[derive(Clone, Debug, Default)]
struct World {
    cell: Cell<u32, u32, u32>,
    actors: Vec<Actor>,
    callbacks_run: Vec<u32>,
    listeners_told: Vec<u32>,
    completions: usize,
    cancelled_ok: bool,
    worker_skipped: bool,
    worker_ran: bool,
    first_value: Option<u32>,
}

impl World {
    fn step(&mut self, a: usize) {
        if let Some((callbacks, listeners)) = self.actors[a].after_lock.take() {
            self.callbacks_run.extend(callbacks);
            self.listeners_told.extend(listeners);
            return;
        }
        let before = self.cell.state();
        let op = self.actors[a].ops[self.actors[a].pc];
        self.actors[a].pc += 1;
        let completion = |c: Completion<u32, u32>| {
            let (callbacks, listeners) = c.listeners();
            Some((callbacks, listeners.collect()))
        };
        match op {
            Op::SetRunning => match self.cell.set_running() {
                ToRunning::Run => {
                    self.actors[a].ran = true;
                    self.worker_ran = true;
                }
                ToRunning::Skip => self.worker_skipped = true,
                // Only possible when someone else finished the future by hand first (CPython's
                // "Future in unexpected state"); the worker then skips the task.
                ToRunning::Unexpected(s) => {
                    assert_eq!(s, State::Finished);
                    assert!(
                        self.first_value.is_some(),
                        "unexpected state without a manual finish"
                    );
                }
            },
            Op::FinishIfRan(v) | Op::Finish(v) => {
                if matches!(op, Op::FinishIfRan(_)) && !self.actors[a].ran {
                    return;
                }
                match self.cell.finish(Ok(v)) {
                    Ok(c) => {
                        self.completions += 1;
                        self.first_value.get_or_insert(v);
                        self.actors[a].after_lock = completion(c);
                    }
                    Err((state, _)) => assert!(state.is_done(), "refused while {state:?}"),
                }
            }
            Op::Cancel => match self.cell.cancel() {
                (ToCancelled::Cancelled, Some(c)) => {
                    self.completions += 1;
                    self.cancelled_ok = true;
                    self.actors[a].after_lock = completion(c);
                }
                (ToCancelled::Cancelled, None) => {
                    panic!("a successful cancel must hand out its completion")
                }
                (_, Some(_)) => panic!("only a successful cancel completes"),
                (_, None) => {}
            },
            Op::AddCallback(id) => {
                if let Some(id) = self.cell.add_callback(id) {
                    self.actors[a].after_lock = Some((vec![id], vec![]));
                }
            }
            Op::AddListener(id) => {
                if let Some(id) = self.cell.add_listener(id) {
                    self.actors[a].after_lock = Some((vec![], vec![id]));
                }
            }
        }
        if before.is_done() {
            assert_eq!(self.cell.state(), before, "a terminal state changed");
        }
        assert_eq!(
            self.cell.outcome().is_some(),
            self.cell.state() == State::Finished
        );
    }

    fn finished(&self) -> bool {
        self.actors
            .iter()
            .all(|a| a.pc == a.ops.len() && a.after_lock.is_none())
    }

    fn check_end(&self, early_callbacks: &[u32], callbacks: &[u32], listeners: &[u32]) {
        assert!(
            self.cell.state().is_done(),
            "ended in {:?}",
            self.cell.state()
        );
        assert_eq!(self.completions, 1);
        let mut run = self.callbacks_run.clone();
        // Callbacks added before any actor moved are completed together, in the order added.
        let early: Vec<_> = run
            .iter()
            .copied()
            .filter(|c| early_callbacks.contains(c))
            .collect();
        assert_eq!(early, early_callbacks);
        run.sort();
        assert_eq!(run, callbacks, "every callback exactly once");
        let mut told = self.listeners_told.clone();
        told.sort();
        assert_eq!(told, listeners, "every listener exactly once");
        if self.cancelled_ok {
            assert_eq!(self.cell.state(), State::Cancelled);
            assert!(!self.worker_ran, "cancelled after the task started");
        }
        if self.worker_skipped {
            assert!(
                self.cancelled_ok,
                "a task was skipped without a successful cancel"
            );
        }
        if self.cell.state() == State::Finished {
            assert_eq!(
                self.cell.outcome(),
                Some(&Ok::<u32, FutureError>(self.first_value.unwrap()))
            );
        }
    }
}

/// Visits every schedule; returns how many there were.
fn explore(world: World, check: &dyn Fn(&World)) -> usize {
    if world.finished() {
        check(&world);
        return 1;
    }
    let mut schedules = 0;
    for a in 0..world.actors.len() {
        let actor = &world.actors[a];
        if actor.pc < actor.ops.len() || actor.after_lock.is_some() {
            let mut next = world.clone();
            next.step(a);
            schedules += explore(next, check);
        }
    }
    schedules
}

fn check_all(actors: Vec<Vec<Op>>) -> usize {
    let early = [1, 2];
    let mut world = World::default();
    for id in early {
        assert!(world.cell.add_callback(id).is_none());
    }
    let (mut callbacks, mut listeners) = (early.to_vec(), vec![]);
    for op in actors.iter().flatten() {
        match op {
            Op::AddCallback(id) => callbacks.push(*id),
            Op::AddListener(id) => listeners.push(*id),
            _ => {}
        }
    }
    callbacks.sort();
    listeners.sort();
    world.actors = actors
        .into_iter()
        .map(|ops| Actor {
            ops,
            ..Actor::default()
        })
        .collect();
    explore(world, &|w| w.check_end(&early, &callbacks, &listeners))
}

#[test]
fn worker_canceller_and_callback_adder_in_every_order() {
    let n = check_all(vec![
        vec![Op::SetRunning, Op::FinishIfRan(7)],
        vec![Op::Cancel],
        vec![
            Op::AddCallback(10),
            Op::AddListener(20),
            Op::AddCallback(11),
        ],
    ]);
    assert!(n > 100, "{n} schedules");
}

#[test]
fn worker_racing_a_manual_set_result_and_two_cancellers() {
    let n = check_all(vec![
        vec![Op::SetRunning, Op::FinishIfRan(7)],
        vec![Op::Finish(9)],
        vec![Op::Cancel],
        vec![Op::Cancel, Op::AddListener(21)],
    ]);
    assert!(n > 1000, "{n} schedules");
}

#[test]
fn listeners_and_callbacks_added_from_several_threads_during_completion() {
    let n = check_all(vec![
        vec![Op::SetRunning, Op::FinishIfRan(1)],
        vec![Op::AddListener(20), Op::AddCallback(10)],
        vec![Op::AddCallback(11), Op::AddListener(21)],
    ]);
    assert!(n > 1000, "{n} schedules");
}
