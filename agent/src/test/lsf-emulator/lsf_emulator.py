#!/usr/bin/env python3
"""An EMULATOR of IBM Spectrum LSF's documented command-line contract, for tests. It is NOT LSF.

IBM LSF cannot run on a test machine, so bsub, bjobs, bkill, bhist, brequeue, bparams and bqueues
are emulated here and the jobs run on a real (single-node) SLURM: bsub turns the script's #BSUB
directives into sbatch options, bjobs maps SLURM's job states onto LSF's. Only what Cairn uses is
emulated, with the output formats IBM documents (IBM Spectrum LSF 10.1 command reference):

  bsub      https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bsub
            "Job <N> is submitted to queue <Q>." / "... to default queue <Q>."; the job script on
            stdin; #BSUB lines before the first command; the submission environment is copied
            into the job (as LSF does by default). LSB_JOBID, LSB_JOBNAME and LSB_JOBINDEX are set
            in the job (LSB_JOBINDEX 0 outside an array); SLURM's own array variables are not.
  arrays    ...?topic=o-j and ...?topic=arrays-job: -J "name[index_list]%slot_limit", the list
            of start[-end[:step]] items with commas, indices from 1 up to MAX_JOB_ARRAY_SIZE
            (lsb.params; 1000 by default); %J and %I in -o/-e are the job id and the index. An
            element is "id[index]": bjobs prints JOBID as the plain id and JOB_NAME as
            "name[index]" (LSB_BJOBS_DISPLAY_ENH=Y in lsf.conf puts "id[index]" in JOBID: emulated
            from the environment); bjobs, bkill, brequeue and bhist take "id[index]" or the
            plain id for every element. Emulated with sbatch --array over the same indices.
  -w        ...?topic=options-w: done(id), ended(id), exit(id) and a bare id (done), also of an
            element (done(id[2])) or a whole array (done(id): every element), joined with &&.
            The dependent job stays PEND; when its condition can no longer be met (done() of a
            job that ended EXIT, exit() of one that ended DONE) it stays PEND with the pending
            reason "Dependency condition invalid or never satisfied" (LSF's PEND_JOB_DEP_INVALID)
            until it is killed. Emulated with sbatch --dependency (afterok, afterany,
            afternotok); SLURM keeps such a job pending (DependencyNeverSatisfied) as LSF does.
  bjobs     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=bjobs-o and ...?topic=bjobs-json
            -o "field ... [delimiter='c']", -json -> {"COMMAND":"bjobs","JOBS":n,"RECORDS":[...]},
            {"JOBID":"9","ERROR":"Job <9> is not found"} for unknown jobs, "Job <9> is not found"
            on stderr without -json; jobs stay listed for CLEAN_PERIOD after they end; -l prints
            the job's header line and its PENDING REASONS.
  bkill     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bkill
            "Job <N> is being terminated"; "Job <N>: Job has already finished".
  bhist     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bhist
            -l: the job's events, "Done successfully.", "Exited with exit code N.",
            "Completed <exit>; TERM_...: ...", the time summary, "No matching job found".
  brequeue  https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-brequeue
            "Job <N> is being requeued"; the job goes back to PEND with the same id.
  bqueues   https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bqueues
            [-w]: the header line, then one line per queue (each SLURM partition is one), its
            name first; the job counts are not emulated (0).
  bparams   https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bparams
            -a: every lsb.params parameter as "NAME = value" lines, MAX_JOB_ARRAY_SIZE among them.
  reasons   https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=SSWRJV_10.1.0/lsf_admin/termination_reasons_lsf.html

The refusals of bsub for an array index past MAX_JOB_ARRAY_SIZE, a bad array specification and a
bad dependency use LSF's error names (LSBE_BIG_IDX, LSBE_BAD_IDX, LSBE_DEPEND_SYNTAX) in our words.

Environment:
  LSF_EMULATOR_STATE              folder of the emulator's state (job id mapping); required
  LSF_EMULATOR_CLEAN_PERIOD       seconds a finished job stays in bjobs (LSF's CLEAN_PERIOD; 3600)
  LSF_EMULATOR_MAX_JOB_ARRAY_SIZE lsb.params MAX_JOB_ARRAY_SIZE (1000)
  LSF_EMULATOR_NO_JSON=1          behave as LSF before 10.1.0.2, whose bjobs has no -json
  LSB_BJOBS_DISPLAY_ENH=Y         bjobs prints an element's JOBID as "id[index]"
Python 3 standard library only.
"""

import fcntl
import json
import os
import re
import shlex
import subprocess
import sys
import time

# SLURM state -> (LSF STAT, LSF termination reason for EXIT)
SLURM_TO_LSF = {
    "PENDING": ("PEND", ""),
    "CONFIGURING": ("PEND", ""),
    "REQUEUED": ("PEND", ""),
    "REQUEUE_FED": ("PEND", ""),
    "REQUEUE_HOLD": ("PSUSP", ""),
    "RESV_DEL_HOLD": ("PSUSP", ""),
    "RUNNING": ("RUN", ""),
    "COMPLETING": ("RUN", ""),
    "SUSPENDED": ("USUSP", ""),
    "STOPPED": ("USUSP", ""),
    "COMPLETED": ("DONE", ""),
    "FAILED": ("EXIT", ""),
    "TIMEOUT": ("EXIT", "TERM_RUNLIMIT: job killed after reaching LSF run time limit"),
    "CANCELLED": ("EXIT", "TERM_ADMIN: job killed by root or LSF administrator"),
    "PREEMPTED": ("EXIT", "TERM_PREEMPT: job killed after preemption"),
    "NODE_FAIL": ("EXIT", "TERM_REMOVE_HUNG_JOB: job removed from LSF system"),
    "BOOT_FAIL": ("EXIT", "TERM_PRE_EXEC_FAIL: job's pre-execution command failed"),
    "OUT_OF_MEMORY": ("EXIT", "TERM_MEMLIMIT: job killed after reaching LSF memory usage limit"),
    "DEADLINE": ("EXIT", "TERM_DEADLINE: job killed after deadline expires"),
}
OWNER_KILL = "TERM_OWNER: job killed by owner"
REQUEUE_ADMIN = "TERM_REQUEUE_ADMIN: job killed and requeued by root or LSF administrator"
# pending reasons as bjobs -p / -l / -o pend_reason print them, by SLURM's Reason
DEP_NEVER = "Dependency condition invalid or never satisfied"
PEND_REASONS = {
    "DependencyNeverSatisfied": DEP_NEVER,
    "Dependency": "Job dependency condition not satisfied",
    "JobArrayTaskLimit": "The job array has reached its job slot limit",
}
NEW_JOB = "New job is waiting for scheduling"
JOB_ID = re.compile(r"(\d+)(?:\[(\d+)\])?")


def die(message, code=255):
    sys.stderr.write(message + "\n")
    sys.exit(code)


def state_dir():
    folder = os.environ.get("LSF_EMULATOR_STATE")
    if not folder:
        die("lsf emulator: LSF_EMULATOR_STATE is not set")
    os.makedirs(os.path.join(folder, "jobs"), exist_ok=True)
    return folder


def job_path(lsf_id, suffix=".json"):
    return os.path.join(state_dir(), "jobs", "%s%s" % (lsf_id, suffix))


def load_job(lsf_id):
    if not re.fullmatch(r"\d+", lsf_id):
        return None
    try:
        with open(job_path(lsf_id)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def save_job(job):
    tmp = job_path(job["id"]) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(job, f)
    os.replace(tmp, job_path(job["id"]))


def all_jobs():
    folder = os.path.join(state_dir(), "jobs")
    jobs = []
    for name in os.listdir(folder):
        if name.endswith(".json"):
            job = load_job(name[:-5])
            if job:
                jobs.append(job)
    return sorted(jobs, key=lambda j: int(j["id"]))


def next_id():
    with open(os.path.join(state_dir(), "lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counter = os.path.join(state_dir(), "next-id")
        try:
            with open(counter) as f:
                value = int(f.read().strip() or "100")
        except FileNotFoundError:
            value = 100
        with open(counter, "w") as f:
            f.write(str(value + 1))
        return str(value)


def run(command, stdin=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


def max_array_size():
    return int(os.environ.get("LSF_EMULATOR_MAX_JOB_ARRAY_SIZE", "1000"))


# ---------------------------------------------------------------- jobs and their elements


def units(job):
    """(display id, unit, index) of each element of an array, or of the job itself."""
    if "array" not in job:
        return [(job["id"], job, None)]
    return [("%s[%d]" % (job["id"], i), job["elements"][str(i)], i) for i in job["array"]]


def select(words):
    """The (job, unit, index) each id names, or None where it names nothing: "N", "N[i]"."""
    chosen = []
    for word in words:
        match = JOB_ID.fullmatch(word)
        job = load_job(match.group(1)) if match else None
        if job is None:
            chosen.append((word, None, None, None))
        elif match.group(2) is None:
            chosen.extend((shown, job, unit, index) for shown, unit, index in units(job))
        elif "array" in job and int(match.group(2)) in job["array"]:
            index = int(match.group(2))
            chosen.append((word, job, job["elements"][str(index)], index))
        else:
            chosen.append((word, None, None, None))
    return chosen


def display_name(job, index):
    return job["name"] if index is None else "%s[%d]" % (job["name"], index)


def slurm_target(job, index):
    return job["slurm_id"] if index is None else "%s_%d" % (job["slurm_id"], index)


# ---------------------------------------------------------------- bsub


def parse_bsub_options(words, options):
    """Options of bsub that Cairn's templates use; the rest is refused as LSF refuses unknown ones."""
    with_value = {"-J", "-o", "-oo", "-e", "-eo", "-W", "-n", "-q", "-P", "-R", "-gpu", "-cwd", "-M",
                  "-w"}
    i = 0
    while i < len(words):
        word = words[i]
        if word in with_value:
            if i + 1 >= len(words):
                die("%s: option requires an argument. Job not submitted." % word)
            options[word] = words[i + 1]
            i += 2
        elif word in ("-r", "-rn"):
            options[word] = True
            i += 1
        else:
            die("%s: Illegal option. Job not submitted." % word)
    return options


def directives(script):
    """#BSUB lines up to the first command, as LSF reads them; values are shell words."""
    words = []
    for line in script.splitlines():
        stripped = line.strip()
        if stripped.startswith("#BSUB"):
            words.extend(shlex.split(stripped[len("#BSUB"):]))
        elif stripped and not stripped.startswith("#"):
            break
    return words


def default_queue():
    out = run(["scontrol", "show", "partition", "-o"])
    for line in out.stdout.splitlines():
        if "Default=YES" in line:
            return re.search(r"PartitionName=(\S+)", line).group(1)
    return "normal"


def minutes(limit):
    """bsub -W [hour:]minute"""
    if ":" in limit:
        hours, mins = limit.split(":", 1)
        return int(hours) * 60 + int(mins)
    return int(limit)


def array_spec(name):
    """-J "name[1-5,7,9-13:2]%K" -> (name, [indices], K or None, index list); plain -> None."""
    match = re.fullmatch(r"(.*)\[([^\]]*)\](?:%(\d+))?", name)
    if not match:
        return None
    indices = []
    for item in match.group(2).split(","):
        part = re.fullmatch(r"\s*(\d+)(?:-(\d+)(?::(\d+))?)?\s*", item)
        if not part:
            die("Bad job array index list (LSBE_BAD_IDX): %s. Job not submitted." % name)
        start = int(part.group(1))
        end = int(part.group(2) or start)
        step = int(part.group(3) or 1)
        if start < 1 or end < start or step < 1:
            die("Bad job array index list (LSBE_BAD_IDX): %s. Job not submitted." % name)
        indices.extend(range(start, end + 1, step))
    if max(indices) > max_array_size():
        die("Job array index too large (LSBE_BIG_IDX): %d is past MAX_JOB_ARRAY_SIZE %d."
            " Job not submitted." % (max(indices), max_array_size()))
    limit = int(match.group(3)) if match.group(3) else None
    return match.group(1), sorted(set(indices)), limit, match.group(2).replace(" ", "")


def output_path(path, lsf_id, is_array):
    """LSF's %J (job id) and %I (index; 0 outside arrays) as SLURM file name patterns."""
    out = []
    i = 0
    while i < len(path):
        if path.startswith("%J", i):
            out.append(lsf_id)
        elif path.startswith("%I", i):
            out.append("%a" if is_array else "0")
        elif path[i] == "%":
            out.append("%%")  # LSF has no other pattern: SLURM must not expand it
            i += 1
            continue
        else:
            out.append(path[i])
            i += 1
            continue
        i += 2
    return "".join(out)


CONDITION = re.compile(r"(?:(done|ended|exit)\(\s*\"?(\d+)(?:\[(\d+)\])?\"?\s*\)|(\d+))")
AFTER = {"done": "afterok", "ended": "afterany", "exit": "afternotok"}


def dependency(expression):
    """-w 'cond && cond': SLURM's --dependency for what is still open, and whether a condition
    can no longer be met by jobs already ended."""
    afters, never = [], False
    for text in expression.split("&&"):
        match = CONDITION.fullmatch(text.strip())
        if not match:
            die("Dependency condition syntax error (LSBE_DEPEND_SYNTAX): %s. Job not submitted."
                % expression)
        kind = match.group(1) or "done"
        word = match.group(2) or match.group(4)
        if match.group(3):
            word += "[%s]" % match.group(3)
        chosen = select([word])
        if chosen[0][1] is None:
            die("%s: No matching job found. Job not submitted." % text.strip())
        job = chosen[0][1]
        seen = [view for *_, view in views(chosen)]
        ended = [v["stat"] for v in seen if v is not None and v["stat"] in ("DONE", "EXIT")]
        if len(ended) < len(seen):
            index = int(match.group(3)) if match.group(3) else None
            afters.append("%s:%s" % (AFTER[kind], slurm_target(job, index)))
        elif (kind == "done" and "EXIT" in ended) or (kind == "exit" and "DONE" in ended):
            never = True
    return afters, never


def wrapper(lsf_id, name, is_array, script_file):
    """What sbatch runs: LSF's job variables, SLURM's array variables gone, then the script."""
    index = '"${SLURM_ARRAY_TASK_ID:-0}"'
    lines = ["#!/bin/bash",
             "export LSB_JOBID=%s" % lsf_id,
             "export LSB_JOBINDEX=%s" % index,
             "export LSB_JOBNAME=%s" % shlex.quote(name)]
    if is_array:
        lines.append('LSB_JOBNAME="$LSB_JOBNAME[$LSB_JOBINDEX]"')
        lines.append('printf "%%s\\n" "${SLURM_JOB_ID:-}" > %s.$LSB_JOBINDEX.slurm'
                     % shlex.quote(job_path(lsf_id, "")))
    lines.append("unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_JOB_ID SLURM_ARRAY_TASK_COUNT"
                 " SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_STEP")
    lines.append("exec /bin/bash %s" % shlex.quote(script_file))
    return "\n".join(lines) + "\n"


def bsub(args):
    script = sys.stdin.read()
    if not script.strip():
        die("No command is specified. Job not submitted.")
    options = parse_bsub_options(directives(script), {})
    options = parse_bsub_options(args, options)  # the command line wins over #BSUB
    name = options.get("-J", "")
    spec = array_spec(name) if name else None
    if spec:
        name = spec[0]
    afters, never = dependency(options["-w"]) if "-w" in options else ([], False)
    lsf_id = next_id()
    # --ignore-pbs: sbatch would read the #BSUB lines itself; this emulator translates them
    sbatch = ["sbatch", "--parsable", "--ignore-pbs", "--export=ALL"]
    if name:
        sbatch.append("--job-name=" + name)
    if spec:
        sbatch.append("--array=%s%s" % (spec[3], "%%%d" % spec[2] if spec[2] else ""))
    for flag, append, slurm in (("-o", True, "--output"), ("-oo", False, "--output"),
                                ("-e", True, "--error"), ("-eo", False, "--error")):
        if flag in options:
            sbatch.append("%s=%s" % (slurm, output_path(options[flag], lsf_id, bool(spec))))
            if append:
                sbatch.append("--open-mode=append")
    if "-W" in options:
        sbatch.append("--time=%d" % minutes(options["-W"]))
    if "-n" in options:
        sbatch.append("--cpus-per-task=" + options["-n"])
    queue = options.get("-q")
    if queue:
        sbatch.append("--partition=" + queue)
    if "-P" in options:
        sbatch.append("--comment=project " + options["-P"])
    mem = re.search(r"rusage\[[^]]*mem=(\d+)([KMGTPEZ]B?)?\b", options.get("-R", ""))
    if mem:
        sbatch.append("--mem=%d" % megabytes(mem.group(1), mem.group(2)))
    if "-M" in options:
        limit = re.fullmatch(r"(\d+)([KMGTPEZ]B?)?!?", options["-M"])
        sbatch.append("--mem=%d" % megabytes(limit.group(1), limit.group(2)))
    gpus = re.search(r"num=(\d+)", options.get("-gpu", ""))
    if gpus:
        sbatch.append("--gres=gpu:" + gpus.group(1))
    if never:
        sbatch.append("--hold")  # it can never start; LSF keeps it pending
    elif afters:
        sbatch.append("--dependency=" + ",".join(afters))
    sbatch.append("--chdir=" + options.get("-cwd", os.getcwd()))
    # LSF jobs are not rerunnable unless -r: a preempted job then ends (TERM_PREEMPT)
    sbatch.append("--requeue" if "-r" in options else "--no-requeue")
    script_file = job_path(lsf_id, ".script")
    with open(script_file, "w") as f:
        f.write(script)
    result = run(sbatch, stdin=wrapper(lsf_id, name, bool(spec), script_file))
    if result.returncode != 0:
        die("%s. Job not submitted." % result.stderr.strip().replace("sbatch: error: ", ""))
    slurm_id = result.stdout.strip().split(";")[0]
    job = {"id": lsf_id, "slurm_id": slurm_id, "name": name, "queue": queue or default_queue(),
           "submitted": time.time(), "killed_by_owner": False, "requeued": False,
           "never_satisfied": never}
    if spec:
        job["array"] = spec[1]
        job["elements"] = {str(i): {"killed_by_owner": False} for i in spec[1]}
    save_job(job)
    if queue:
        print("Job <%s> is submitted to queue <%s>." % (lsf_id, queue))
    else:
        print("Job <%s> is submitted to default queue <%s>." % (lsf_id, default_queue()))


# ---------------------------------------------------------------- what SLURM says


def task_ids(text):
    """SLURM's ArrayTaskId: "3", "2-5", "1,4-6:2", with a "%K" throttle at the end."""
    ids = []
    for item in text.split("%")[0].split(","):
        part = re.fullmatch(r"(\d+)(?:-(\d+)(?::(\d+))?)?", item)
        if part:
            start = int(part.group(1))
            ids.extend(range(start, int(part.group(2) or start) + 1, int(part.group(3) or 1)))
    return ids


def scontrol_jobs():
    """Every job slurmctld still holds (finished ones for MinJobAge), by SLURM id, and each array
    task also as "<array id>_<task id>"."""
    out = run(["scontrol", "show", "job", "-o"])
    if out.returncode != 0 and "No jobs in the system" not in out.stdout + out.stderr:
        die("LSF is down. Please wait ... (scontrol: %s)" % out.stderr.strip())
    jobs = {}
    for line in out.stdout.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        if "JobId" not in fields:
            continue
        if "ArrayJobId" in fields:
            for task in task_ids(fields.get("ArrayTaskId", "")):
                jobs["%s_%d" % (fields["ArrayJobId"], task)] = fields
        else:
            jobs[fields["JobId"]] = fields
    return jobs


def jobcomp(slurm_ids):
    """Last completion record of each job in SLURM's jobcomp/filetxt log (jobs slurmctld forgot)."""
    records = {}
    if not slurm_ids:
        return records
    out = run(["scontrol", "show", "config"])
    match = re.search(r"^JobCompLoc\s*=\s*(\S+)", out.stdout, re.M)
    if not match or not os.path.isfile(match.group(1)):
        return records
    with open(match.group(1)) as f:
        for line in f:
            fields = dict(re.findall(r"(\w+)=(\S*)", line))
            if fields.get("JobId") in slurm_ids:
                records[fields["JobId"]] = fields
    return records


def element_slurm_job(job, unit, index):
    """The SLURM job id an array element ran as, as the job itself wrote it down."""
    if "slurm_job" not in unit:
        try:
            with open(job_path(job["id"], ".%d.slurm" % index)) as f:
                value = f.read().strip()
            if value:
                unit["slurm_job"] = value
        except FileNotFoundError:
            pass
    return unit.get("slurm_job")


def slurm_fields(job, unit, index, live, done):
    if index is None:
        return live.get(job["slurm_id"]) or done.get(job["slurm_id"])
    fields = live.get(slurm_target(job, index))
    if fields is not None:
        if fields.get("ArrayTaskId") == str(index):
            unit["slurm_job"] = fields["JobId"]
        return fields
    return done.get(element_slurm_job(job, unit, index) or "")


def views(chosen):
    """The LSF view of each chosen (shown id, job, unit, index), asking SLURM once."""
    live = scontrol_jobs()
    gone = set()
    for _, job, unit, index in chosen:
        if job is None:
            continue
        if index is None and job["slurm_id"] not in live:
            gone.add(job["slurm_id"])
        elif index is not None and slurm_target(job, index) not in live:
            gone.add(element_slurm_job(job, unit, index) or "")
    done = jobcomp(gone - {""})
    result = []
    touched = {}
    for shown, job, unit, index in chosen:
        view = observe(job, unit, index, live, done) if job else None
        if job:
            touched[job["id"]] = job
        result.append((shown, job, unit, index, view))
    for job in touched.values():
        save_job(job)
    return result


def seconds_between(start, end):
    try:
        fmt = "%Y-%m-%dT%H:%M:%S"
        return max(0, int(time.mktime(time.strptime(end, fmt)) - time.mktime(time.strptime(start, fmt))))
    except (ValueError, TypeError):
        return 0


def run_seconds(fields):
    text = fields.get("RunTime", "")
    match = re.fullmatch(r"(?:(\d+)-)?(\d+):(\d+):(\d+)", text)
    if match:
        days, hours, mins, secs = (int(g or 0) for g in match.groups())
        return ((days * 24 + hours) * 60 + mins) * 60 + secs
    return seconds_between(fields.get("StartTime"), fields.get("EndTime"))


def usage(slurm_id):
    """MaxRSS (MB) and CPU seconds of a running job's batch step, from sstat."""
    out = run(["sstat", "--noheader", "--parsable2", "--format=MaxRSS,TotalCPU,AveCPU",
               "-j", slurm_id + ".batch"])
    if out.returncode != 0 or not out.stdout.strip():
        return None, None
    rss, _, ave = (out.stdout.strip().splitlines()[0].split("|") + ["", "", ""])[:3]
    mb = None
    match = re.fullmatch(r"([\d.]+)([KMGT]?)", rss)
    if match:
        factor = {"": 1 / 1048576, "K": 1 / 1024, "M": 1, "G": 1024, "T": 1048576}[match.group(2)]
        mb = float(match.group(1)) * factor
    cpu = None
    match = re.fullmatch(r"(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", ave)
    if match:
        days, hours, mins, secs = match.groups()
        cpu = ((int(days or 0) * 24 + int(hours or 0)) * 60 + int(mins)) * 60 + float(secs)
    return mb, cpu


def observe(job, unit, index, live, done):
    """The LSF view of a job or one element now; the end is cached as LSF keeps it until
    CLEAN_PERIOD passes. The caller saves the job."""
    fields = slurm_fields(job, unit, index, live, done)
    if fields is None:
        return unit.get("final")
    if fields.get("JobName") not in (None, job["name"]) and job["name"]:
        return unit.get("final")  # a SLURM id of another cluster's life
    slurm_state = fields.get("JobState", "")
    stat, reason = SLURM_TO_LSF.get(slurm_state, ("UNKWN", ""))
    pend_reason = ""
    if stat == "PEND":
        pend_reason = PEND_REASONS.get(fields.get("Reason", ""), NEW_JOB)
        if "Held" in fields.get("Reason", ""):
            stat = "PSUSP"
    if job.get("never_satisfied") and stat in ("PEND", "PSUSP"):
        stat, pend_reason = "PEND", DEP_NEVER
    if slurm_state == "CANCELLED" and (unit.get("killed_by_owner") or job.get("killed_by_owner")):
        reason = OWNER_KILL
    code, signal = (fields.get("ExitCode", "0:0").split(":") + ["0"])[:2]
    exit_code = int(code) if int(signal) == 0 else 128 + int(signal)
    if stat == "RUN":
        mb, cpu = usage(fields["JobId"])
        if mb is not None:
            unit["max_mem_mb"] = max(unit.get("max_mem_mb", 0), mb)
        if cpu is not None:
            unit["cpu_s"] = max(unit.get("cpu_s", 0), cpu)
    view = {"stat": stat, "reason": reason if stat == "EXIT" else "", "pend_reason": pend_reason,
            "exit_code": exit_code if stat == "EXIT" else None,
            "run_time": run_seconds(fields) if stat not in ("PEND", "PSUSP") else 0,
            "cpu": unit.get("cpu_s"), "max_mem_mb": unit.get("max_mem_mb"),
            "start": fields.get("StartTime"), "end": fields.get("EndTime"),
            "host": fields.get("BatchHost") or fields.get("NodeList") or "",
            "seen": time.time()}
    if stat in ("DONE", "EXIT"):
        final = unit.get("final")
        if not final or final["stat"] != stat or final["end"] != view["end"]:
            unit["final"] = view
        view = unit["final"]
    else:
        unit.pop("final", None)
        unit.pop("first_seen_done", None)
    return view


def megabytes(number, unit):
    """A memory amount in MB, as LSF 10.1.0.2 reads `mem=32768MB` or `-M 32G`; a bare number is
    read as MB, as where lsf.conf sets LSF_UNIT_FOR_LIMITS=MB (what the LSF installer writes)."""
    scale = {"K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1024 ** 2, "P": 1024 ** 3, "E": 1024 ** 4,
             "Z": 1024 ** 5}[(unit or "M")[0]]
    return max(1, int(int(number) * scale))


def memory(mb):
    if mb is None:
        return ""
    if mb >= 1024:
        return "%.1f Gbytes" % (mb / 1024)
    return "%d Mbytes" % max(1, round(mb))


def field_value(field, job, index, view, hms):
    def duration(value):
        if value is None:
            return ""
        if hms:
            value = int(value)
            return "%02d:%02d:%02d" % (value // 3600, value // 60 % 60, value % 60)
        return "%s second(s)" % (("%.1f" % value) if isinstance(value, float) else value)

    shown_id = job["id"]
    if index is not None and os.environ.get("LSB_BJOBS_DISPLAY_ENH", "").upper() == "Y":
        shown_id = "%s[%d]" % (job["id"], index)
    return {
        "jobid": shown_id,
        "id": shown_id,
        "jobindex": str(index or 0),
        "stat": view["stat"],
        "job_name": display_name(job, index),
        "name": display_name(job, index),
        "queue": job["queue"],
        "exit_code": "" if view["exit_code"] is None else str(view["exit_code"]),
        "exit_reason": view["reason"],
        "pend_reason": view.get("pend_reason", "") if view["stat"] == "PEND" else "",
        "run_time": duration(view["run_time"]),
        "cpu_used": duration(view["cpu"]),
        "max_mem": memory(view["max_mem_mb"]),
        "exec_host": view["host"],
    }.get(field, "")


# ---------------------------------------------------------------- bjobs


def bjobs(args):
    fmt, as_json, header, names, ids, show_all, hms, long = None, False, True, None, [], False, False, False
    i = 0
    while i < len(args):
        word = args[i]
        if word == "-o":
            fmt, i = args[i + 1], i + 2
            continue
        if word == "-json":
            if os.environ.get("LSF_EMULATOR_NO_JSON") == "1":
                die("bjobs: illegal option -- json\nUsage: bjobs [-h] [-V] [-A] [-a] [-aps| -l | -w]"
                    " [-d] [-p] [-s] [-r] [-W] [-X] [-x] [-o \"field_name...\"] [job_ID ...]")
            as_json = True
        elif word == "-noheader":
            header = False
        elif word == "-hms":
            hms = True
        elif word == "-l":
            long = True
        elif word == "-J":
            names, i = args[i + 1], i + 2
            continue
        elif word in ("-a", "-d"):
            show_all = True
        elif word == "-w":
            pass
        elif word.startswith("-"):
            die("bjobs: illegal option -- %s" % word.lstrip("-"))
        else:
            ids.append(word)
        i += 1
    if as_json and not header:
        die("bjobs: -json cannot be used with -noheader")
    if fmt is None:
        fmt = "jobid stat queue job_name"
    delimiter = " "
    match = re.search(r"delimiter=['\"](.)['\"]", fmt)
    if match:
        delimiter = match.group(1)
        fmt = fmt[:match.start()] + fmt[match.end():]
    fields = [f.split(":")[0].lower() for f in fmt.split()]

    clean_period = float(os.environ.get("LSF_EMULATOR_CLEAN_PERIOD", "3600"))
    if ids:
        chosen = select(ids)
    else:
        chosen = [(shown, j, unit, index) for j in all_jobs()
                  if names is None or j["name"] == names for shown, unit, index in units(j)]
    records, errors, shown_jobs = [], [], []
    now = time.time()
    for shown, job, unit, index, view in views(chosen):
        finished = view is not None and view["stat"] in ("DONE", "EXIT")
        if finished and "first_seen_done" not in unit:
            unit["first_seen_done"] = now
            save_job(job)
        gone = view is None or (finished and now - unit["first_seen_done"] >= clean_period)
        if gone:
            if ids:
                errors.append("Job <%s> is not found" % shown)
            continue
        if not show_all and not ids and view["stat"] in ("DONE", "EXIT"):
            continue
        records.append([field_value(f, job, index, view, hms) for f in fields])
        shown_jobs.append((job, index, view))
    if names is not None and not records and not errors:
        errors.append("Job <%s> is not found" % names)

    if long:
        print_long(shown_jobs)
    elif as_json:
        out = [dict(zip([f.upper() for f in fields], r)) for r in records]
        for error in errors:
            record = {"ERROR": error}
            match = re.match(r"Job <([^>]+)>", error)
            if match:
                record = {"JOBID": match.group(1), "ERROR": error}
            out.append(record)
        print(json.dumps({"COMMAND": "bjobs", "JOBS": len(out), "RECORDS": out}, indent=2))
    else:
        if header and records:
            print(delimiter.join(f.upper() for f in fields))
        for r in records:
            print(delimiter.join(v if v != "" else "-" for v in r))
    if long or not as_json:
        for error in errors:
            sys.stderr.write(error + "\n")
    sys.exit(255 if errors else 0)


def print_long(shown_jobs):
    """bjobs -l, only its first lines and the PENDING REASONS of a pending job."""
    blocks = []
    for job, index, view in shown_jobs:
        lines = [wrap("Job <%s>, Job Name <%s>, User <%s>, Project <default>, Status <%s>, Queue <%s>"
                      % (job["id"] if index is None else "%s[%d]" % (job["id"], index),
                         display_name(job, index), os.environ.get("USER", "root"), view["stat"],
                         job["queue"]))]
        submitted = time.strftime("%a %b %e %H:%M:%S", time.localtime(job["submitted"]))
        lines.append(wrap("%s: Submitted from host <%s>;" % (submitted, os.uname().nodename)))
        if view["stat"] == "PEND":
            lines += ["", " PENDING REASONS:", " %s;" % (view.get("pend_reason") or NEW_JOB)]
        blocks.append("\n".join(lines))
    if blocks:
        print(("\n" + "-" * 78 + "\n\n").join(blocks))


# ---------------------------------------------------------------- bkill, brequeue


def bkill(args):
    ids = [a for a in args if not a.startswith("-")]
    if not ids:
        die("bkill: a job ID is needed")
    failed = False
    for word in ids:
        chosen = select([word])
        if chosen[0][1] is None:
            sys.stderr.write("Job <%s>: No matching job found\n" % word)
            failed = True
            continue
        job = chosen[0][1]
        open_units = [(unit, index) for _, _, unit, index, view in views(chosen)
                      if view is not None and view["stat"] not in ("DONE", "EXIT")]
        if not open_units:
            sys.stderr.write("Job <%s>: Job has already finished\n" % word)
            failed = True
            continue
        job = load_job(job["id"])
        whole = JOB_ID.fullmatch(word).group(2) is None
        for _, index in open_units:
            target = job if index is None else job["elements"][str(index)]
            target["killed_by_owner"] = True
        save_job(job)
        target = job["slurm_id"] if whole else slurm_target(job, int(JOB_ID.fullmatch(word).group(2)))
        result = run(["scancel", target])
        if result.returncode != 0:
            sys.stderr.write("Job <%s>: %s\n" % (word, result.stderr.strip()))
            failed = True
            continue
        print("Job <%s> is being terminated" % word)
    sys.exit(255 if failed else 0)


def brequeue(args):
    ids = [a for a in args if not a.startswith("-")]
    failed = False
    for word in ids:
        chosen = select([word])
        if chosen[0][1] is None:
            sys.stderr.write("Job <%s>: No matching job found\n" % word)
            failed = True
            continue
        job = chosen[0][1]
        index = JOB_ID.fullmatch(word).group(2)
        target = slurm_target(job, int(index)) if index else job["slurm_id"]
        # LSF requeues any job; SLURM only requeueable ones, so allow it first
        run(["scontrol", "update", "JobId=" + target, "Requeue=1"])
        result = run(["scontrol", "requeue", target])
        if result.returncode != 0:
            sys.stderr.write("Job <%s>: %s\n" % (word, result.stderr.strip()))
            failed = True
            continue
        job["requeued"] = True
        for _, _, unit, _ in chosen:
            unit.pop("final", None)
            unit.pop("first_seen_done", None)
        save_job(job)
        print("Job <%s> is being requeued" % word)
    sys.exit(255 if failed else 0)


# ---------------------------------------------------------------- bhist, bparams


def stamp(text):
    try:
        return time.strftime("%a %b %e %H:%M:%S", time.strptime(text, "%Y-%m-%dT%H:%M:%S"))
    except (ValueError, TypeError):
        return time.strftime("%a %b %e %H:%M:%S")


def wrap(line):
    """bhist -l wraps at 80 columns, continuing after 21 blanks."""
    out, first = [], True
    while line:
        width = 80 if first else 59
        out.append(("" if first else " " * 21) + line[:width])
        line, first = line[width:], False
    return "\n".join(out)


def bhist(args):
    ids = [a for a in args if not a.startswith("-")]
    if ids:
        chosen = [c for c in select(ids) if c[1] is not None]
    else:
        chosen = [(shown, j, unit, index) for j in all_jobs() for shown, unit, index in units(j)]
    blocks = []
    for shown, job, unit, index, view in views(chosen):
        if view is None:
            continue
        lines = [wrap("Job <%s>, Job Name <%s>, User <%s>, Project <default>, Command <%s>"
                      % (shown, display_name(job, index), os.environ.get("USER", "root"),
                         job["name"]))]
        submitted = time.strftime("%a %b %e %H:%M:%S", time.localtime(job["submitted"]))
        lines.append(wrap("%s: Submitted from host <%s>, to Queue <%s>;"
                          % (submitted, os.uname().nodename, job["queue"])))
        if view["start"] and view["start"] != "Unknown":
            lines.append(wrap("%s: Dispatched 1 Task(s) on Host(s) <%s>;" % (stamp(view["start"]), view["host"])))
            lines.append(wrap("%s: Starting (Pid 0);" % stamp(view["start"])))
        cpu = "The CPU time used is %.1f seconds." % (view["cpu"] or 0)
        end = stamp(view["end"])
        if view["stat"] == "DONE":
            lines.append(wrap("%s: Done successfully. %s" % (end, cpu)))
            lines.append(wrap("%s: Post job process done successfully;" % end))
        elif view["stat"] == "EXIT":
            lines.append(wrap("%s: Exited with exit code %s. %s" % (end, view["exit_code"], cpu)))
            reason = "; " + view["reason"] if view["reason"] else ""
            lines.append(wrap("%s: Completed <exit>%s." % (end, reason)))
        if view["max_mem_mb"] is not None:
            lines.append("")
            lines.append("MEMORY USAGE:")
            lines.append("MAX MEM: %s;  AVG MEM: %s" % (memory(view["max_mem_mb"]), memory(view["max_mem_mb"])))
        lines.append("")
        lines.append("Summary of time in seconds spent in various states by  %s" % end)
        lines.append("  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL")
        lines.append("  %-8d %-8d %-8d %-8d %-8d %-8d %-8d" % (0, 0, view["run_time"], 0, 0, 0, view["run_time"]))
        blocks.append("\n".join(lines))
    if not blocks:
        die("No matching job found", 255)
    print(("\n" + "-" * 78 + "\n\n").join(blocks))


def bparams(args):
    if args not in ([], ["-a"], ["-l"]):
        die("bparams: illegal option\nUsage: bparams [-a] [-l] | [-h] [-V]")
    print("lsb.params configuration at %s" % time.strftime("%a %b %e %H:%M:%S %Y"))
    values = [("DEFAULT_QUEUE", default_queue()), ("MBD_SLEEP_TIME", "10"),
              ("SBD_SLEEP_TIME", "7"), ("JOB_ACCEPT_INTERVAL", "0")]
    if args:
        values += [("CLEAN_PERIOD", os.environ.get("LSF_EMULATOR_CLEAN_PERIOD", "3600")),
                   ("MAX_JOB_ARRAY_SIZE", str(max_array_size())),
                   ("JOB_DEP_LAST_SUB", "1")]
    for name, value in values:
        print("    %s = %s" % (name, value))


def bqueues(args):
    """bqueues [-w]: one line per queue (each SLURM partition), the header first."""
    if args not in ([], ["-w"]):
        die("bqueues: illegal option\nUsage: bqueues [-w] | [-h] [-V]")
    out = run(["scontrol", "show", "partition", "-o"])
    if out.returncode != 0:
        die("LSF is down; try later.")
    print("%-15s %4s %-16s %4s %4s %4s %4s %5s %5s %5s %5s"
          % ("QUEUE_NAME", "PRIO", "STATUS", "MAX", "JL/U", "JL/P", "JL/H", "NJOBS", "PEND",
             "RUN", "SUSP"))
    for line in out.stdout.splitlines():
        name = re.search(r"PartitionName=(\S+)", line)
        if not name:
            continue
        status = "Open:Active" if "State=UP" in line else "Closed:Inact"
        print("%-15s %4d %-16s %4s %4s %4s %4s %5d %5d %5d %5d"
              % (name.group(1), 30, status, "-", "-", "-", "-", 0, 0, 0, 0))


def main():
    command = os.path.basename(sys.argv[1] if len(sys.argv) > 1 else "")
    handlers = {"bsub": bsub, "bjobs": bjobs, "bkill": bkill, "bhist": bhist, "brequeue": brequeue,
                "bparams": bparams, "bqueues": bqueues}
    if command not in handlers:
        die("lsf emulator: unknown command %r" % command)
    handlers[command](sys.argv[2:])


if __name__ == "__main__":
    main()
