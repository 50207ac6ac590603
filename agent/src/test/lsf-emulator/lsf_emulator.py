#!/usr/bin/env python3
"""An EMULATOR of IBM Spectrum LSF's documented command-line contract, for tests. It is NOT LSF.

IBM LSF cannot run on a test machine, so bsub, bjobs, bkill, bhist and brequeue are emulated here
and the jobs run on a real (single-node) SLURM: bsub turns the script's #BSUB directives into
sbatch options, bjobs maps SLURM's job states onto LSF's. Only what Cairn uses is emulated, with
the output formats IBM documents (IBM Spectrum LSF 10.1 command reference):

  bsub      https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bsub
            "Job <N> is submitted to queue <Q>." / "... to default queue <Q>."; the job script on
            stdin; #BSUB lines before the first command; the submission environment is copied
            into the job (as LSF does by default).
  bjobs     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=bjobs-o and ...?topic=bjobs-json
            -o "field ... [delimiter='c']", -json -> {"COMMAND":"bjobs","JOBS":n,"RECORDS":[...]},
            {"JOBID":"9","ERROR":"Job <9> is not found"} for unknown jobs, "Job <9> is not found"
            on stderr without -json; jobs stay listed for CLEAN_PERIOD after they end.
  bkill     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bkill
            "Job <N> is being terminated"; "Job <N>: Job has already finished".
  bhist     https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bhist
            -l: the job's events, "Done successfully.", "Exited with exit code N.",
            "Completed <exit>; TERM_...: ...", the time summary, "No matching job found".
  brequeue  https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-brequeue
            "Job <N> is being requeued"; the job goes back to PEND with the same id.
  reasons   https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=SSWRJV_10.1.0/lsf_admin/termination_reasons_lsf.html

Environment:
  LSF_EMULATOR_STATE         folder of the emulator's state (job id mapping); required
  LSF_EMULATOR_CLEAN_PERIOD  seconds a finished job stays in bjobs (LSF's CLEAN_PERIOD; 3600)
  LSF_EMULATOR_NO_JSON=1     behave as LSF before 10.1.0.2, whose bjobs has no -json
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


def die(message, code=255):
    sys.stderr.write(message + "\n")
    sys.exit(code)


def state_dir():
    folder = os.environ.get("LSF_EMULATOR_STATE")
    if not folder:
        die("lsf emulator: LSF_EMULATOR_STATE is not set")
    os.makedirs(os.path.join(folder, "jobs"), exist_ok=True)
    return folder


def job_path(lsf_id):
    return os.path.join(state_dir(), "jobs", "%s.json" % lsf_id)


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


# ---------------------------------------------------------------- bsub


def parse_bsub_options(words, options):
    """Options of bsub that Cairn's templates use; the rest is refused as LSF refuses unknown ones."""
    with_value = {"-J", "-o", "-oo", "-e", "-eo", "-W", "-n", "-q", "-P", "-R", "-gpu", "-cwd", "-M"}
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


def bsub(args):
    script = sys.stdin.read()
    if not script.strip():
        die("No command is specified. Job not submitted.")
    options = parse_bsub_options(directives(script), {})
    options = parse_bsub_options(args, options)  # the command line wins over #BSUB
    # --ignore-pbs: sbatch would read the #BSUB lines itself; this emulator translates them
    sbatch = ["sbatch", "--parsable", "--ignore-pbs", "--export=ALL"]
    name = options.get("-J", "")
    if name:
        sbatch.append("--job-name=" + name)
    for flag, append, slurm in (("-o", True, "--output"), ("-oo", False, "--output"),
                                ("-e", True, "--error"), ("-eo", False, "--error")):
        if flag in options:
            sbatch.append("%s=%s" % (slurm, options[flag]))
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
    mem = re.search(r"rusage\[[^]]*mem=(\d+)", options.get("-R", ""))
    if mem:
        sbatch.append("--mem=" + mem.group(1))
    if "-M" in options:
        sbatch.append("--mem=" + options["-M"])
    gpus = re.search(r"num=(\d+)", options.get("-gpu", ""))
    if gpus:
        sbatch.append("--gres=gpu:" + gpus.group(1))
    sbatch.append("--chdir=" + options.get("-cwd", os.getcwd()))
    # LSF jobs are not rerunnable unless -r: a preempted job then ends (TERM_PREEMPT)
    sbatch.append("--requeue" if "-r" in options else "--no-requeue")
    result = run(sbatch, stdin=script)
    if result.returncode != 0:
        die("%s. Job not submitted." % result.stderr.strip().replace("sbatch: error: ", ""))
    slurm_id = result.stdout.strip().split(";")[0]
    lsf_id = next_id()
    save_job({"id": lsf_id, "slurm_id": slurm_id, "name": name, "queue": queue or default_queue(),
              "submitted": time.time(), "killed_by_owner": False, "requeued": False})
    if queue:
        print("Job <%s> is submitted to queue <%s>." % (lsf_id, queue))
    else:
        print("Job <%s> is submitted to default queue <%s>." % (lsf_id, default_queue()))


# ---------------------------------------------------------------- what SLURM says


def scontrol_jobs():
    """Every job slurmctld still holds (finished ones for MinJobAge), by SLURM id."""
    out = run(["scontrol", "show", "job", "-o"])
    if out.returncode != 0 and "No jobs in the system" not in out.stdout + out.stderr:
        die("LSF is down. Please wait ... (scontrol: %s)" % out.stderr.strip())
    jobs = {}
    for line in out.stdout.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        if "JobId" in fields:
            jobs[fields["JobId"]] = fields
    return jobs


def jobcomp(slurm_ids):
    """Last completion record of each job in SLURM's jobcomp/filetxt log (jobs slurmctld forgot)."""
    out = run(["scontrol", "show", "config"])
    match = re.search(r"^JobCompLoc\s*=\s*(\S+)", out.stdout, re.M)
    records = {}
    if not match or not os.path.isfile(match.group(1)):
        return records
    with open(match.group(1)) as f:
        for line in f:
            fields = dict(re.findall(r"(\w+)=(\S*)", line))
            if fields.get("JobId") in slurm_ids:
                records[fields["JobId"]] = fields
    return records


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


def observe(job, live, done):
    """The job's LSF view now; the end is cached as LSF keeps it until CLEAN_PERIOD passes."""
    fields = live.get(job["slurm_id"]) or done.get(job["slurm_id"])
    if fields is None:
        return job.get("final")
    if fields.get("JobName") not in (None, job["name"]) and job["name"]:
        return job.get("final")  # a SLURM id of another cluster's life
    slurm_state = fields.get("JobState", "")
    stat, reason = SLURM_TO_LSF.get(slurm_state, ("UNKWN", ""))
    if stat == "PEND" and "Held" in fields.get("Reason", ""):
        stat = "PSUSP"
    if slurm_state == "CANCELLED" and job.get("killed_by_owner"):
        reason = OWNER_KILL
    code, signal = (fields.get("ExitCode", "0:0").split(":") + ["0"])[:2]
    exit_code = int(code) if int(signal) == 0 else 128 + int(signal)
    if stat == "RUN":
        mb, cpu = usage(job["slurm_id"])
        if mb is not None:
            job["max_mem_mb"] = max(job.get("max_mem_mb", 0), mb)
        if cpu is not None:
            job["cpu_s"] = max(job.get("cpu_s", 0), cpu)
    view = {"stat": stat, "reason": reason if stat == "EXIT" else "",
            "exit_code": exit_code if stat == "EXIT" else None,
            "run_time": run_seconds(fields) if stat not in ("PEND", "PSUSP") else 0,
            "cpu": job.get("cpu_s"), "max_mem_mb": job.get("max_mem_mb"),
            "start": fields.get("StartTime"), "end": fields.get("EndTime"),
            "host": fields.get("BatchHost") or fields.get("NodeList") or "",
            "seen": time.time()}
    if stat in ("DONE", "EXIT"):
        if not job.get("final") or job["final"]["stat"] != stat or job["final"]["end"] != view["end"]:
            job["final"] = view
        view = job["final"]
    else:
        job.pop("final", None)
    save_job(job)
    return view


def memory(mb):
    if mb is None:
        return ""
    if mb >= 1024:
        return "%.1f Gbytes" % (mb / 1024)
    return "%d Mbytes" % max(1, round(mb))


def field_value(field, job, view, hms):
    def duration(value):
        if value is None:
            return ""
        if hms:
            value = int(value)
            return "%02d:%02d:%02d" % (value // 3600, value // 60 % 60, value % 60)
        return "%s second(s)" % (("%.1f" % value) if isinstance(value, float) else value)

    return {
        "jobid": job["id"],
        "id": job["id"],
        "stat": view["stat"],
        "job_name": job["name"],
        "name": job["name"],
        "queue": job["queue"],
        "exit_code": "" if view["exit_code"] is None else str(view["exit_code"]),
        "exit_reason": view["reason"],
        "run_time": duration(view["run_time"]),
        "cpu_used": duration(view["cpu"]),
        "max_mem": memory(view["max_mem_mb"]),
        "exec_host": view["host"],
    }.get(field, "")


# ---------------------------------------------------------------- bjobs


def bjobs(args):
    fmt, as_json, header, names, ids, show_all, hms = None, False, True, None, [], False, False
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
    jobs = all_jobs()
    if ids:
        chosen = []
        for lsf_id in ids:
            job = load_job(lsf_id)
            chosen.append((lsf_id, job))
    else:
        chosen = [(j["id"], j) for j in jobs if names is None or j["name"] == names]
    live = scontrol_jobs()
    done = jobcomp({j["slurm_id"] for _, j in chosen if j and j["slurm_id"] not in live})
    records, errors = [], []
    for lsf_id, job in chosen:
        view = observe(job, live, done) if job else None
        finished = view is not None and view["stat"] in ("DONE", "EXIT")
        if finished and "first_seen_done" not in job:
            job["first_seen_done"] = time.time()
            save_job(job)
        gone = view is None or (finished and time.time() - job["first_seen_done"] >= clean_period)
        if gone:
            if ids:
                errors.append("Job <%s> is not found" % lsf_id)
            continue
        if not show_all and not ids and view["stat"] in ("DONE", "EXIT"):
            continue
        records.append([field_value(f, job, view, hms) for f in fields])
    if names is not None and not records and not errors:
        errors.append("Job <%s> is not found" % names)

    if as_json:
        out = [dict(zip([f.upper() for f in fields], r)) for r in records]
        for error in errors:
            record = {"ERROR": error}
            match = re.match(r"Job <(\d+)>", error)
            if match:
                record = {"JOBID": match.group(1), "ERROR": error}
            out.append(record)
        print(json.dumps({"COMMAND": "bjobs", "JOBS": len(out), "RECORDS": out}, indent=2))
    else:
        if header and records:
            print(delimiter.join(f.upper() for f in fields))
        for r in records:
            print(delimiter.join(v if v != "" else "-" for v in r))
        for error in errors:
            sys.stderr.write(error + "\n")
    sys.exit(255 if errors else 0)


# ---------------------------------------------------------------- bkill, brequeue


def bkill(args):
    ids = [a for a in args if not a.startswith("-")]
    if not ids:
        die("bkill: a job ID is needed")
    live = scontrol_jobs()
    failed = False
    for lsf_id in ids:
        job = load_job(lsf_id)
        if job is None:
            sys.stderr.write("Job <%s>: No matching job found\n" % lsf_id)
            failed = True
            continue
        fields = live.get(job["slurm_id"])
        if fields is None or SLURM_TO_LSF.get(fields.get("JobState"), ("",))[0] in ("DONE", "EXIT"):
            sys.stderr.write("Job <%s>: Job has already finished\n" % lsf_id)
            failed = True
            continue
        job["killed_by_owner"] = True
        save_job(job)
        result = run(["scancel", job["slurm_id"]])
        if result.returncode != 0:
            sys.stderr.write("Job <%s>: %s\n" % (lsf_id, result.stderr.strip()))
            failed = True
            continue
        print("Job <%s> is being terminated" % lsf_id)
    sys.exit(255 if failed else 0)


def brequeue(args):
    ids = [a for a in args if not a.startswith("-")]
    failed = False
    for lsf_id in ids:
        job = load_job(lsf_id)
        if job is None:
            sys.stderr.write("Job <%s>: No matching job found\n" % lsf_id)
            failed = True
            continue
        # LSF requeues any job; SLURM only requeueable ones, so allow it first
        run(["scontrol", "update", "JobId=" + job["slurm_id"], "Requeue=1"])
        result = run(["scontrol", "requeue", job["slurm_id"]])
        if result.returncode != 0:
            sys.stderr.write("Job <%s>: %s\n" % (lsf_id, result.stderr.strip()))
            failed = True
            continue
        job["requeued"] = True
        job.pop("final", None)
        save_job(job)
        print("Job <%s> is being requeued" % lsf_id)
    sys.exit(255 if failed else 0)


# ---------------------------------------------------------------- bhist


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
    live = scontrol_jobs()
    chosen = [load_job(i) for i in ids] if ids else all_jobs()
    chosen = [j for j in chosen if j]
    done = jobcomp({j["slurm_id"] for j in chosen if j["slurm_id"] not in live})
    blocks = []
    for job in chosen:
        view = observe(job, live, done)
        if view is None:
            continue
        lines = [wrap("Job <%s>, Job Name <%s>, User <%s>, Project <default>, Command <%s>"
                      % (job["id"], job["name"], os.environ.get("USER", "root"), job["name"]))]
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


def main():
    command = os.path.basename(sys.argv[1] if len(sys.argv) > 1 else "")
    handlers = {"bsub": bsub, "bjobs": bjobs, "bkill": bkill, "bhist": bhist, "brequeue": brequeue}
    if command not in handlers:
        die("lsf emulator: unknown command %r" % command)
    handlers[command](sys.argv[2:])


if __name__ == "__main__":
    main()
