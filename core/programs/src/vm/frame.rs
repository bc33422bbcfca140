//! A running call of compiled code: its variables, its value stack, its handler blocks. A frame is
//! a plain value on the heap: the machine keeps a call's caller in a list (no Rust recursion for a
//! Python call), and a generator keeps its frame between items.

use crate::object::code::{Code, FunctionTemplate};
use crate::object::*;
use crate::{object::Ctx, object::R};
use std::sync::{Arc, Mutex};

pub(crate) struct VmFrame {
    pub(super) code: Arc<Code>,
    /// The function called (`None` for a module's body).
    pub(super) func: Option<Arc<Function>>,
    /// The next instruction.
    pub(super) pc: usize,
    pub(super) stack: Vec<Value>,
    /// The locals kept in slots (`None`: not bound).
    pub(super) locals: Vec<Option<Value>>,
    /// The cell variables (its own, which inner functions share).
    pub(super) cells: Vec<Option<Cell>>,
    /// The free ones, shared by every call of the function (`None`: a free name no enclosing
    /// function binds, which is then a global).
    pub(super) free: Arc<[Option<Cell>]>,
    /// Handler blocks, innermost last: (handler, stack height).
    pub(super) blocks: Vec<(u32, u32)>,
    /// The exceptions being handled, innermost last, with their lines: what a bare `raise` raises.
    pub(super) handling: Vec<(Value, u32)>,
    /// The exception leaving the running instruction is one this frame re-raises (a bare `raise`,
    /// the end of a `finally` or of a `with`): its traceback has this frame already.
    pub(super) reraising: bool,
    /// For the call of a class's `__init__` made by calling the class: the new instance, which the
    /// call gives back instead of what `__init__` returns.
    pub(super) init: Option<Value>,
}

impl VmFrame {
    /// A frame for a call of `func` (whose compiled body is `code`) with `args`.
    pub(crate) fn new(ctx: &Ctx, func: &Arc<Function>, code: &Arc<Code>, args: Args) -> R<Self> {
        let locals = match fast_bind(func, code, args) {
            Ok(locals) => locals,
            Err(args) => {
                let mut names = Names::default();
                ctx.bind_args(func, args, &mut names)?;
                let mut locals = vec![None; code.varnames.len()];
                for (slot, name) in code.varnames[..code.params].iter().enumerate() {
                    locals[slot] = names.remove(name);
                }
                locals
            }
        };
        Ok(VmFrame::with_locals(
            func,
            code,
            locals,
            Vec::with_capacity(8),
        ))
    }

    /// A frame for a call of `func` whose arguments are bound in `locals` already.
    pub(crate) fn with_locals(
        func: &Arc<Function>,
        code: &Arc<Code>,
        mut locals: Vec<Option<Value>>,
        stack: Vec<Value>,
    ) -> Self {
        let mut cells = Vec::with_capacity(code.cellvars.len());
        for param in &code.cell_params {
            let value = param.and_then(|slot| locals[slot as usize].take());
            cells.push(Some(Arc::new(Mutex::new(value))));
        }
        VmFrame {
            code: code.clone(),
            func: Some(func.clone()),
            pc: 0,
            stack,
            locals,
            cells,
            free: func.free_cells.clone(),
            blocks: Vec::new(),
            handling: Vec::new(),
            reraising: false,
            init: None,
        }
    }

    /// Makes this frame (a new one, or one [`Self::empty`]ed) a call of `func`, whose compiled
    /// body is `code`, with its first arguments by position in `locals` already: the defaults of
    /// the others, room for its other locals, its cells.
    pub(super) fn start_call(&mut self, func: &Arc<Function>, code: &Arc<Code>) {
        fill_defaults(func, code, &mut self.locals);
        for param in &code.cell_params {
            let value = param.and_then(|slot| self.locals[slot as usize].take());
            self.cells.push(Some(Arc::new(Mutex::new(value))));
        }
        if !Arc::ptr_eq(&self.code, code) {
            self.code = code.clone();
        }
        self.func = Some(func.clone());
        self.pc = 0;
        self.free = func.free_cells.clone();
    }

    /// A finished call's frame, emptied for another call: what it holds is dropped (its code
    /// stays until then), the room of its stack and locals kept.
    pub(super) fn empty(&mut self) {
        self.stack.clear();
        self.locals.clear();
        self.cells.clear();
        self.blocks.clear();
        self.handling.clear();
        self.reraising = false;
        self.init = None;
        self.func = None;
        self.free = no_free_cells();
    }

    /// Cell `i`: its own cells first, then the free ones.
    #[inline]
    pub(super) fn cell(&self, i: usize) -> &Option<Cell> {
        match self.cells.get(i) {
            Some(cell) => cell,
            None => &self.free[i - self.cells.len()],
        }
    }

    /// A frame for a module's body.
    pub(crate) fn module(code: &Arc<Code>) -> Self {
        VmFrame {
            code: code.clone(),
            func: None,
            pc: 0,
            stack: Vec::with_capacity(8),
            locals: Vec::new(),
            cells: Vec::new(),
            free: no_free_cells(),
            blocks: Vec::new(),
            handling: Vec::new(),
            reraising: false,
            init: None,
        }
    }

    /// A frame for a class statement's body, with the cells of the enclosing variables it reads.
    pub(crate) fn class_body(code: &Arc<Code>, free: Arc<[Option<Cell>]>) -> Self {
        VmFrame {
            code: code.clone(),
            func: None,
            pc: 0,
            stack: Vec::with_capacity(8),
            locals: vec![None; code.varnames.len()],
            cells: Vec::new(),
            free,
            blocks: Vec::new(),
            handling: Vec::new(),
            reraising: false,
            init: None,
        }
    }

    /// A finished class body's namespace: the names it bound, with their values.
    pub(crate) fn into_namespace(mut self) -> Names {
        let code = self.code.clone();
        code.varnames
            .iter()
            .zip(self.locals.drain(..))
            .filter_map(|(name, v)| Some((name.clone(), v?)))
            .collect()
    }

    /// Every value the frame holds, taken out (for an iterative drop).
    pub(super) fn take_values(&mut self, into: &mut Vec<Value>) {
        into.append(&mut self.stack);
        into.extend(self.locals.drain(..).flatten());
        into.extend(self.handling.drain(..).map(|(v, _)| v));
    }
}

/// No free cells (one shared empty list).
fn no_free_cells() -> Arc<[Option<Cell>]> {
    static NONE: std::sync::LazyLock<Arc<[Option<Cell>]>> =
        std::sync::LazyLock::new(|| Arc::from([]));
    NONE.clone()
}

/// The locals of a call with positional arguments only, no more than the function's named
/// parameters, the rest having defaults; anything else is given back for the general binding.
fn fast_bind(func: &Function, code: &Code, args: Args) -> Result<Vec<Option<Value>>, Args> {
    if !args.kw.is_empty() || !binds_by_position(func, args.pos.len()) {
        return Err(args);
    }
    let mut locals: Vec<Option<Value>> = args.pos.into_iter().map(Some).collect();
    fill_defaults(func, code, &mut locals);
    Ok(locals)
}

/// Whether `given` positional arguments alone fill `func`'s parameters in order, its defaults the
/// rest (no `*args`, `**kwargs` or keyword-only parameters to sort them into).
pub(super) fn binds_by_position(func: &Function, given: usize) -> bool {
    func.star.is_none()
        && func.double_star.is_none()
        && func.keyword_only == 0
        && given <= func.params.len()
        && func.defaults[given..].iter().all(Option::is_some)
}

/// `locals` (the arguments given, by position) completed with the defaults of the parameters after
/// them and room for the other locals.
pub(super) fn fill_defaults(func: &Function, code: &Code, locals: &mut Vec<Option<Value>>) {
    let given = locals.len();
    locals.extend(func.defaults[given..].iter().cloned());
    locals.resize(code.varnames.len(), None);
}

/// The function a `def` or `lambda` makes from its template: its defaults evaluated, the cells of
/// the enclosing variables it uses.
pub(crate) fn make_function(
    template: &FunctionTemplate,
    defaults: Vec<Option<Value>>,
    free_cells: Arc<[Option<Cell>]>,
    qualname: String,
    line: u32,
) -> Function {
    let def = &template.def;
    Function {
        name: def.name.clone(),
        line,
        qualname,
        params: def.params.clone(),
        star: def.star.clone(),
        keyword_only: def.keyword_only,
        double_star: def.double_star.clone(),
        defaults,
        is_async: def.is_async,
        owner: std::sync::OnceLock::new(),
        code: template.code.clone(),
        free_cells,
        attrs: std::sync::OnceLock::new(),
    }
}
