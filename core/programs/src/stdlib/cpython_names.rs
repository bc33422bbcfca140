//! The public names of the CPython 3.11 modules futurelab's programs can import, to tell a name that
//! CPython has and futurelab's Python does not have yet from one that neither has (a typo).
//!
//! Generated with python3 3.11: for each module, the names of `dir(module)` without a leading `_`,
//! sorted and joined by spaces.

/// (module, its public names in CPython 3.11, separated by spaces).
pub(crate) const CPYTHON_NAMES: &[(&str, &str)] = &[
    (
        "time",
        "CLOCK_BOOTTIME CLOCK_MONOTONIC CLOCK_MONOTONIC_RAW CLOCK_PROCESS_CPUTIME_ID \
         CLOCK_REALTIME CLOCK_TAI CLOCK_THREAD_CPUTIME_ID altzone asctime clock_getres \
         clock_gettime clock_gettime_ns clock_settime clock_settime_ns ctime daylight \
         get_clock_info gmtime localtime mktime monotonic monotonic_ns perf_counter \
         perf_counter_ns process_time process_time_ns pthread_getcpuclockid sleep strftime \
         strptime struct_time thread_time thread_time_ns time time_ns timezone tzname tzset",
    ),
    (
        "threading",
        "Barrier BoundedSemaphore BrokenBarrierError Condition Event ExceptHookArgs Lock RLock \
         Semaphore TIMEOUT_MAX Thread ThreadError Timer WeakSet activeCount active_count \
         currentThread current_thread enumerate excepthook functools get_ident get_native_id \
         getprofile gettrace local main_thread setprofile settrace stack_size",
    ),
    (
        "concurrent.futures",
        "ALL_COMPLETED BrokenExecutor CancelledError Executor FIRST_COMPLETED FIRST_EXCEPTION \
         Future ProcessPoolExecutor ThreadPoolExecutor TimeoutError as_completed wait",
    ),
    (
        "queue",
        "Empty Full LifoQueue PriorityQueue Queue SimpleQueue deque heappop heappush threading \
         time types",
    ),
    (
        "os",
        "CLD_CONTINUED CLD_DUMPED CLD_EXITED CLD_KILLED CLD_STOPPED CLD_TRAPPED DirEntry \
         EFD_CLOEXEC EFD_NONBLOCK EFD_SEMAPHORE EX_CANTCREAT EX_CONFIG EX_DATAERR EX_IOERR \
         EX_NOHOST EX_NOINPUT EX_NOPERM EX_NOUSER EX_OK EX_OSERR EX_OSFILE EX_PROTOCOL \
         EX_SOFTWARE EX_TEMPFAIL EX_UNAVAILABLE EX_USAGE F_LOCK F_OK F_TEST F_TLOCK F_ULOCK \
         GRND_NONBLOCK GRND_RANDOM GenericAlias MFD_ALLOW_SEALING MFD_CLOEXEC MFD_HUGETLB \
         MFD_HUGE_16GB MFD_HUGE_16MB MFD_HUGE_1GB MFD_HUGE_1MB MFD_HUGE_256MB MFD_HUGE_2GB \
         MFD_HUGE_2MB MFD_HUGE_32MB MFD_HUGE_512KB MFD_HUGE_512MB MFD_HUGE_64KB MFD_HUGE_8MB \
         MFD_HUGE_MASK MFD_HUGE_SHIFT Mapping MutableMapping NGROUPS_MAX O_ACCMODE O_APPEND \
         O_ASYNC O_CLOEXEC O_CREAT O_DIRECT O_DIRECTORY O_DSYNC O_EXCL O_FSYNC O_LARGEFILE \
         O_NDELAY O_NOATIME O_NOCTTY O_NOFOLLOW O_NONBLOCK O_PATH O_RDONLY O_RDWR O_RSYNC O_SYNC \
         O_TMPFILE O_TRUNC O_WRONLY POSIX_FADV_DONTNEED POSIX_FADV_NOREUSE POSIX_FADV_NORMAL \
         POSIX_FADV_RANDOM POSIX_FADV_SEQUENTIAL POSIX_FADV_WILLNEED POSIX_SPAWN_CLOSE \
         POSIX_SPAWN_DUP2 POSIX_SPAWN_OPEN PRIO_PGRP PRIO_PROCESS PRIO_USER P_ALL P_NOWAIT \
         P_NOWAITO P_PGID P_PID P_PIDFD P_WAIT PathLike RTLD_DEEPBIND RTLD_GLOBAL RTLD_LAZY \
         RTLD_LOCAL RTLD_NODELETE RTLD_NOLOAD RTLD_NOW RWF_APPEND RWF_DSYNC RWF_HIPRI RWF_NOWAIT \
         RWF_SYNC R_OK SCHED_BATCH SCHED_FIFO SCHED_IDLE SCHED_OTHER SCHED_RESET_ON_FORK SCHED_RR \
         SEEK_CUR SEEK_DATA SEEK_END SEEK_HOLE SEEK_SET SPLICE_F_MORE SPLICE_F_MOVE \
         SPLICE_F_NONBLOCK ST_APPEND ST_MANDLOCK ST_NOATIME ST_NODEV ST_NODIRATIME ST_NOEXEC \
         ST_NOSUID ST_RDONLY ST_RELATIME ST_SYNCHRONOUS ST_WRITE TMP_MAX WCONTINUED WCOREDUMP \
         WEXITED WEXITSTATUS WIFCONTINUED WIFEXITED WIFSIGNALED WIFSTOPPED WNOHANG WNOWAIT \
         WSTOPPED WSTOPSIG WTERMSIG WUNTRACED W_OK XATTR_CREATE XATTR_REPLACE XATTR_SIZE_MAX X_OK \
         abc abort access altsep chdir chmod chown chroot close closerange confstr confstr_names \
         copy_file_range cpu_count ctermid curdir defpath device_encoding devnull dup dup2 \
         environ environb error eventfd eventfd_read eventfd_write execl execle execlp execlpe \
         execv execve execvp execvpe extsep fchdir fchmod fchown fdatasync fdopen fork forkpty \
         fpathconf fsdecode fsencode fspath fstat fstatvfs fsync ftruncate fwalk get_blocking \
         get_exec_path get_inheritable get_terminal_size getcwd getcwdb getegid getenv getenvb \
         geteuid getgid getgrouplist getgroups getloadavg getlogin getpgid getpgrp getpid getppid \
         getpriority getrandom getresgid getresuid getsid getuid getxattr initgroups isatty kill \
         killpg lchown linesep link listdir listxattr lockf login_tty lseek lstat major makedev \
         makedirs memfd_create minor mkdir mkfifo mknod name nice open openpty pardir path \
         pathconf pathconf_names pathsep pidfd_open pipe pipe2 popen posix_fadvise \
         posix_fallocate posix_spawn posix_spawnp pread preadv putenv pwrite pwritev read \
         readlink readv register_at_fork remove removedirs removexattr rename renames replace \
         rmdir scandir sched_get_priority_max sched_get_priority_min sched_getaffinity \
         sched_getparam sched_getscheduler sched_param sched_rr_get_interval sched_setaffinity \
         sched_setparam sched_setscheduler sched_yield sendfile sep set_blocking set_inheritable \
         setegid seteuid setgid setgroups setpgid setpgrp setpriority setregid setresgid \
         setresuid setreuid setsid setuid setxattr spawnl spawnle spawnlp spawnlpe spawnv spawnve \
         spawnvp spawnvpe splice st stat stat_result statvfs statvfs_result strerror \
         supports_bytes_environ supports_dir_fd supports_effective_ids supports_fd \
         supports_follow_symlinks symlink sync sys sysconf sysconf_names system tcgetpgrp \
         tcsetpgrp terminal_size times times_result truncate ttyname umask uname uname_result \
         unlink unsetenv urandom utime wait wait3 wait4 waitid waitid_result waitpid \
         waitstatus_to_exitcode walk write writev",
    ),
    (
        "multiprocessing",
        "Array AuthenticationError Barrier BoundedSemaphore BufferTooShort Condition Event \
         JoinableQueue Lock Manager Pipe Pool Process ProcessError Queue RLock RawArray RawValue \
         SUBDEBUG SUBWARNING Semaphore SimpleQueue TimeoutError Value active_children \
         allow_connection_pickling context cpu_count current_process freeze_support \
         get_all_start_methods get_context get_logger get_start_method log_to_stderr \
         parent_process process reducer reduction set_executable set_forkserver_preload \
         set_start_method sys",
    ),
    (
        "math",
        "acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos cosh degrees dist e \
         erf erfc exp exp2 expm1 fabs factorial floor fmod frexp fsum gamma gcd hypot inf isclose \
         isfinite isinf isnan isqrt lcm ldexp lgamma log log10 log1p log2 modf nan nextafter perm \
         pi pow prod radians remainder sin sinh sqrt tan tanh tau trunc ulp",
    ),
    (
        "sys",
        "abiflags addaudithook api_version argv audit base_exec_prefix base_prefix breakpointhook \
         builtin_module_names byteorder call_tracing copyright displayhook dont_write_bytecode \
         exc_info excepthook exception exec_prefix executable exit flags float_info \
         float_repr_style get_asyncgen_hooks get_coroutine_origin_tracking_depth \
         get_int_max_str_digits getallocatedblocks getdefaultencoding getdlopenflags \
         getfilesystemencodeerrors getfilesystemencoding getprofile getrecursionlimit getrefcount \
         getsizeof getswitchinterval gettrace hash_info hexversion implementation int_info intern \
         is_finalizing maxsize maxunicode meta_path modules orig_argv path path_hooks \
         path_importer_cache platform platlibdir prefix pycache_prefix set_asyncgen_hooks \
         set_coroutine_origin_tracking_depth set_int_max_str_digits setdlopenflags setprofile \
         setrecursionlimit setswitchinterval settrace stderr stdin stdlib_module_names stdout \
         thread_info unraisablehook version version_info warnoptions",
    ),
    (
        "os.path",
        "abspath altsep basename commonpath commonprefix curdir defpath devnull dirname exists \
         expanduser expandvars extsep genericpath getatime getctime getmtime getsize isabs isdir \
         isfile islink ismount join lexists normcase normpath os pardir pathsep realpath relpath \
         samefile sameopenfile samestat sep split splitdrive splitext stat \
         supports_unicode_filenames sys",
    ),
    (
        "asyncio",
        "ALL_COMPLETED AbstractChildWatcher AbstractEventLoop AbstractEventLoopPolicy \
         AbstractServer Barrier BaseEventLoop BaseProtocol BaseTransport BoundedSemaphore \
         BrokenBarrierError BufferedProtocol CancelledError Condition DatagramProtocol \
         DatagramTransport DefaultEventLoopPolicy Event FIRST_COMPLETED FIRST_EXCEPTION \
         FastChildWatcher Future Handle IncompleteReadError InvalidStateError LifoQueue \
         LimitOverrunError Lock MultiLoopChildWatcher PidfdChildWatcher PriorityQueue Protocol \
         Queue QueueEmpty QueueFull ReadTransport Runner SafeChildWatcher SelectorEventLoop \
         Semaphore SendfileNotAvailableError Server StreamReader StreamReaderProtocol \
         StreamWriter SubprocessProtocol SubprocessTransport Task TaskGroup ThreadedChildWatcher \
         Timeout TimeoutError TimerHandle Transport WriteTransport all_tasks as_completed \
         base_events base_futures base_subprocess base_tasks constants coroutines \
         create_subprocess_exec create_subprocess_shell create_task current_task ensure_future \
         events exceptions format_helpers futures gather get_child_watcher get_event_loop \
         get_event_loop_policy get_running_loop iscoroutine iscoroutinefunction isfuture locks \
         log mixins new_event_loop open_connection open_unix_connection protocols queues run \
         run_coroutine_threadsafe runners selector_events set_child_watcher set_event_loop \
         set_event_loop_policy shield sleep sslproto staggered start_server start_unix_server \
         streams subprocess sys taskgroups tasks threads timeout timeout_at timeouts to_thread \
         transports trsock unix_events wait wait_for wrap_future",
    ),
    (
        "random",
        "BPF LOG4 NV_MAGICCONST RECIP_BPF Random SG_MAGICCONST SystemRandom TWOPI betavariate \
         choice choices expovariate gammavariate gauss getrandbits getstate lognormvariate \
         normalvariate paretovariate randbytes randint random randrange sample seed setstate \
         shuffle triangular uniform vonmisesvariate weibullvariate",
    ),
    (
        "collections",
        "ChainMap Counter OrderedDict UserDict UserList UserString abc defaultdict deque \
         namedtuple",
    ),
    (
        "enum",
        "CONFORM CONTINUOUS DynamicClassAttribute EJECT Enum EnumCheck EnumMeta EnumType Flag \
         FlagBoundary IntEnum IntFlag KEEP MappingProxyType NAMED_FLAGS ReprEnum STRICT StrEnum \
         UNIQUE auto bin bltns global_enum global_enum_repr global_flag_repr global_str member \
         nonmember pickle_by_enum_name pickle_by_global_name property reduce show_flag_values sys \
         unique verify",
    ),
    (
        "json",
        "JSONDecodeError JSONDecoder JSONEncoder codecs decoder detect_encoding dump dumps \
         encoder load loads scanner",
    ),
    (
        "logging",
        "BASIC_FORMAT BufferingFormatter CRITICAL DEBUG ERROR FATAL FileHandler Filter Filterer \
         Formatter GenericAlias Handler INFO LogRecord Logger LoggerAdapter Manager NOTSET \
         NullHandler PercentStyle PlaceHolder RootLogger StrFormatStyle StreamHandler \
         StringTemplateStyle Template WARN WARNING addLevelName atexit basicConfig \
         captureWarnings collections critical currentframe debug disable error exception fatal \
         getLevelName getLevelNamesMapping getLogRecordFactory getLogger getLoggerClass info io \
         lastResort log logMultiprocessing logProcesses logThreads makeLogRecord os \
         raiseExceptions re root setLogRecordFactory setLoggerClass shutdown sys threading time \
         traceback warn warning warnings weakref",
    ),
    (
        "urllib.request",
        "AbstractBasicAuthHandler AbstractDigestAuthHandler AbstractHTTPHandler BaseHandler \
         CacheFTPHandler ContentTooShortError DataHandler FTPHandler FancyURLopener FileHandler \
         HTTPBasicAuthHandler HTTPCookieProcessor HTTPDefaultErrorHandler HTTPDigestAuthHandler \
         HTTPError HTTPErrorProcessor HTTPHandler HTTPPasswordMgr HTTPPasswordMgrWithDefaultRealm \
         HTTPPasswordMgrWithPriorAuth HTTPRedirectHandler HTTPSHandler MAXFTPCACHE OpenerDirector \
         ProxyBasicAuthHandler ProxyDigestAuthHandler ProxyHandler Request URLError URLopener \
         UnknownHandler addclosehook addinfourl base64 bisect build_opener contextlib email \
         ftpcache ftperrors ftpwrapper getproxies getproxies_environment hashlib http \
         install_opener io localhost noheaders os parse_http_list parse_keqv_list pathname2url \
         posixpath proxy_bypass proxy_bypass_environment quote re request_host socket ssl string \
         sys tempfile thishost time unquote unquote_to_bytes unwrap url2pathname urlcleanup \
         urljoin urlopen urlparse urlretrieve urlsplit urlunparse warnings",
    ),
    (
        "urllib.error",
        "ContentTooShortError HTTPError URLError io urllib",
    ),
    (
        "concurrent.futures.thread",
        "BrokenThreadPool ThreadPoolExecutor itertools os queue threading types weakref",
    ),
    (
        "concurrent.futures.process",
        "BrokenProcessPool EXTRA_QUEUED_CALLS ProcessPoolExecutor Queue format_exception \
         itertools mp multiprocessing os partial queue sys threading weakref",
    ),
    (
        "functools",
        "GenericAlias RLock WRAPPER_ASSIGNMENTS WRAPPER_UPDATES cache cached_property cmp_to_key \
         get_cache_token lru_cache namedtuple partial partialmethod recursive_repr reduce \
         singledispatch singledispatchmethod total_ordering update_wrapper wraps",
    ),
    (
        "itertools",
        "accumulate chain combinations combinations_with_replacement compress count cycle \
         dropwhile filterfalse groupby islice pairwise permutations product repeat starmap \
         takewhile tee zip_longest",
    ),
    (
        "contextlib",
        "AbstractAsyncContextManager AbstractContextManager AsyncContextDecorator AsyncExitStack \
         ContextDecorator ExitStack GenericAlias MethodType abc aclosing asynccontextmanager \
         chdir closing contextmanager deque nullcontext os redirect_stderr redirect_stdout \
         suppress sys wraps",
    ),
    (
        "heapq",
        "heapify heappop heappush heappushpop heapreplace merge nlargest nsmallest",
    ),
    (
        "typing",
        "ABCMeta AbstractSet Annotated Any AnyStr AsyncContextManager AsyncGenerator \
         AsyncIterable AsyncIterator Awaitable BinaryIO ByteString CT_co Callable ChainMap \
         ClassVar Collection Concatenate Container ContextManager Coroutine Counter DefaultDict \
         Deque Dict EXCLUDED_ATTRIBUTES Final ForwardRef FrozenSet Generator Generic GenericAlias \
         Hashable IO ItemsView Iterable Iterator KT KeysView List Literal LiteralString Mapping \
         MappingView Match MethodDescriptorType MethodWrapperType MutableMapping MutableSequence \
         MutableSet NamedTuple NamedTupleMeta Never NewType NoReturn NotRequired Optional \
         OrderedDict ParamSpec ParamSpecArgs ParamSpecKwargs Pattern Protocol Required Reversible \
         Self Sequence Set Sized SupportsAbs SupportsBytes SupportsComplex SupportsFloat \
         SupportsIndex SupportsInt SupportsRound T TYPE_CHECKING T_co T_contra Text TextIO Tuple \
         Type TypeAlias TypeGuard TypeVar TypeVarTuple TypedDict Union Unpack VT VT_co V_co \
         ValuesView WrapperDescriptorType abstractmethod assert_never assert_type cast \
         clear_overloads collections contextlib dataclass_transform defaultdict final functools \
         get_args get_origin get_overloads get_type_hints io is_typeddict no_type_check \
         no_type_check_decorator operator overload re reveal_type runtime_checkable stdlib_re sys \
         types warnings",
    ),
    (
        "dataclasses",
        "Field FrozenInstanceError FunctionType GenericAlias InitVar KW_ONLY MISSING abc asdict \
         astuple builtins copy dataclass field fields functools inspect is_dataclass itertools \
         keyword make_dataclass re replace sys types",
    ),
];

/// Whether CPython 3.11's `module` has the public name `name`; `None` when the module is not listed.
pub(crate) fn cpython_has(module: &str, name: &str) -> Option<bool> {
    let (_, names) = CPYTHON_NAMES.iter().find(|(m, _)| *m == module)?;
    Some(names.split_whitespace().any(|n| n == name))
}
