//! What each Redis command's arguments are, as far as `db.query.text` is concerned:
//! which one is a key (kept), which names a script (kept, as
//! `db.stored_procedure.name`), which is a subcommand (kept), and which are values
//! (replaced by `?`).
//!
//! Generated from the `COMMAND` reply of Redis 7.0 (a command whose first key is its
//! first argument is [`Args::Key`]; a command with subcommands is
//! [`Args::Subcommand`], its subcommands split by whether their first key is their
//! first argument), plus the key-first commands added since: 7.4's hash-field
//! expiration (`HEXPIRE` ...), 8.0's `HGETDEL`, `HGETEX`, `HSETEX` and vector sets
//! (`VADD` ...), 8.2's `XDELEX`, `XACKDEL`, 8.4's `DELEX`, `DIGEST`. A command missing
//! here has every argument recorded as `?`: the safe side for a command whose first
//! argument may be a password (`AUTH`, `HELLO`, `MIGRATE`).

/// How the arguments after a command's name are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Args {
    /// The first argument is a key, kept; the rest are values.
    Key,
    /// The first argument names a Lua script (its SHA1) or a function, kept; the rest
    /// are values (`EVALSHA`, `FCALL`).
    Procedure,
    /// The first argument is a subcommand (`OBJECT ENCODING`, `CONFIG GET`).
    Subcommand(&'static Subcommands),
    /// Every argument is a value.
    Values,
}

/// The subcommands of a container command, by whether their first argument is a key.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Subcommands {
    plain: &'static [&'static str],
    keyed: &'static [&'static str],
}

impl Subcommands {
    /// Whether `name` (any case) is one of them, and whether its first argument is a key.
    pub(crate) fn find(&self, name: &str) -> Option<bool> {
        let is = |known: &&str| known.eq_ignore_ascii_case(name);
        if self.keyed.iter().any(is) {
            Some(true)
        } else {
            self.plain.iter().any(is).then_some(false)
        }
    }
}

/// The longest command name in the table, in bytes.
const LONGEST: usize = 32;

/// The command `name` (any case): its table entry's spelling (upper case) and its
/// arguments; `None` when unknown.
pub(crate) fn lookup(name: &str) -> Option<(&'static str, Args)> {
    let mut upper = [0_u8; LONGEST];
    let upper = upper.get_mut(..name.len())?;
    upper.copy_from_slice(name.as_bytes());
    upper.make_ascii_uppercase();
    let index = COMMANDS
        .binary_search_by(|(known, _)| known.as_bytes().cmp(upper))
        .ok()?;
    Some(COMMANDS[index])
}

/// Every command, sorted by name (bytes), for [`lookup`].
static COMMANDS: &[(&str, Args)] = &[
    ("ACL", Args::Subcommand(&ACL)),
    ("APPEND", Args::Key),
    ("ASKING", Args::Values),
    ("AUTH", Args::Values),
    ("BGREWRITEAOF", Args::Values),
    ("BGSAVE", Args::Values),
    ("BITCOUNT", Args::Key),
    ("BITFIELD", Args::Key),
    ("BITFIELD_RO", Args::Key),
    ("BITOP", Args::Values),
    ("BITPOS", Args::Key),
    ("BLMOVE", Args::Key),
    ("BLMPOP", Args::Values),
    ("BLPOP", Args::Key),
    ("BRPOP", Args::Key),
    ("BRPOPLPUSH", Args::Key),
    ("BZMPOP", Args::Values),
    ("BZPOPMAX", Args::Key),
    ("BZPOPMIN", Args::Key),
    ("CLIENT", Args::Subcommand(&CLIENT)),
    ("CLUSTER", Args::Subcommand(&CLUSTER)),
    ("COMMAND", Args::Subcommand(&COMMAND)),
    ("CONFIG", Args::Subcommand(&CONFIG)),
    ("COPY", Args::Key),
    ("DBSIZE", Args::Values),
    ("DEBUG", Args::Values),
    ("DECR", Args::Key),
    ("DECRBY", Args::Key),
    ("DEL", Args::Key),
    ("DELEX", Args::Key),
    ("DIGEST", Args::Key),
    ("DISCARD", Args::Values),
    ("DUMP", Args::Key),
    ("ECHO", Args::Values),
    ("EVAL", Args::Values),
    ("EVALSHA", Args::Procedure),
    ("EVALSHA_RO", Args::Procedure),
    ("EVAL_RO", Args::Values),
    ("EXEC", Args::Values),
    ("EXISTS", Args::Key),
    ("EXPIRE", Args::Key),
    ("EXPIREAT", Args::Key),
    ("EXPIRETIME", Args::Key),
    ("FAILOVER", Args::Values),
    ("FCALL", Args::Procedure),
    ("FCALL_RO", Args::Procedure),
    ("FLUSHALL", Args::Values),
    ("FLUSHDB", Args::Values),
    ("FUNCTION", Args::Subcommand(&FUNCTION)),
    ("GEOADD", Args::Key),
    ("GEODIST", Args::Key),
    ("GEOHASH", Args::Key),
    ("GEOPOS", Args::Key),
    ("GEORADIUS", Args::Key),
    ("GEORADIUSBYMEMBER", Args::Key),
    ("GEORADIUSBYMEMBER_RO", Args::Key),
    ("GEORADIUS_RO", Args::Key),
    ("GEOSEARCH", Args::Key),
    ("GEOSEARCHSTORE", Args::Key),
    ("GET", Args::Key),
    ("GETBIT", Args::Key),
    ("GETDEL", Args::Key),
    ("GETEX", Args::Key),
    ("GETRANGE", Args::Key),
    ("GETSET", Args::Key),
    ("HDEL", Args::Key),
    ("HELLO", Args::Values),
    ("HEXISTS", Args::Key),
    ("HEXPIRE", Args::Key),
    ("HEXPIREAT", Args::Key),
    ("HEXPIRETIME", Args::Key),
    ("HGET", Args::Key),
    ("HGETALL", Args::Key),
    ("HGETDEL", Args::Key),
    ("HGETEX", Args::Key),
    ("HINCRBY", Args::Key),
    ("HINCRBYFLOAT", Args::Key),
    ("HKEYS", Args::Key),
    ("HLEN", Args::Key),
    ("HMGET", Args::Key),
    ("HMSET", Args::Key),
    ("HPERSIST", Args::Key),
    ("HPEXPIRE", Args::Key),
    ("HPEXPIREAT", Args::Key),
    ("HPEXPIRETIME", Args::Key),
    ("HPTTL", Args::Key),
    ("HRANDFIELD", Args::Key),
    ("HSCAN", Args::Key),
    ("HSET", Args::Key),
    ("HSETEX", Args::Key),
    ("HSETNX", Args::Key),
    ("HSTRLEN", Args::Key),
    ("HTTL", Args::Key),
    ("HVALS", Args::Key),
    ("INCR", Args::Key),
    ("INCRBY", Args::Key),
    ("INCRBYFLOAT", Args::Key),
    ("INFO", Args::Values),
    ("KEYS", Args::Values),
    ("LASTSAVE", Args::Values),
    ("LATENCY", Args::Subcommand(&LATENCY)),
    ("LCS", Args::Key),
    ("LINDEX", Args::Key),
    ("LINSERT", Args::Key),
    ("LLEN", Args::Key),
    ("LMOVE", Args::Key),
    ("LMPOP", Args::Values),
    ("LOLWUT", Args::Values),
    ("LPOP", Args::Key),
    ("LPOS", Args::Key),
    ("LPUSH", Args::Key),
    ("LPUSHX", Args::Key),
    ("LRANGE", Args::Key),
    ("LREM", Args::Key),
    ("LSET", Args::Key),
    ("LTRIM", Args::Key),
    ("MEMORY", Args::Subcommand(&MEMORY)),
    ("MGET", Args::Key),
    ("MIGRATE", Args::Values),
    ("MODULE", Args::Subcommand(&MODULE)),
    ("MONITOR", Args::Values),
    ("MOVE", Args::Key),
    ("MSET", Args::Key),
    ("MSETNX", Args::Key),
    ("MULTI", Args::Values),
    ("OBJECT", Args::Subcommand(&OBJECT)),
    ("PERSIST", Args::Key),
    ("PEXPIRE", Args::Key),
    ("PEXPIREAT", Args::Key),
    ("PEXPIRETIME", Args::Key),
    ("PFADD", Args::Key),
    ("PFCOUNT", Args::Key),
    ("PFDEBUG", Args::Values),
    ("PFMERGE", Args::Key),
    ("PFSELFTEST", Args::Values),
    ("PING", Args::Values),
    ("PSETEX", Args::Key),
    ("PSUBSCRIBE", Args::Values),
    ("PSYNC", Args::Values),
    ("PTTL", Args::Key),
    ("PUBLISH", Args::Values),
    ("PUBSUB", Args::Subcommand(&PUBSUB)),
    ("PUNSUBSCRIBE", Args::Values),
    ("QUIT", Args::Values),
    ("RANDOMKEY", Args::Values),
    ("READONLY", Args::Values),
    ("READWRITE", Args::Values),
    ("RENAME", Args::Key),
    ("RENAMENX", Args::Key),
    ("REPLCONF", Args::Values),
    ("REPLICAOF", Args::Values),
    ("RESET", Args::Values),
    ("RESTORE", Args::Key),
    ("RESTORE-ASKING", Args::Key),
    ("ROLE", Args::Values),
    ("RPOP", Args::Key),
    ("RPOPLPUSH", Args::Key),
    ("RPUSH", Args::Key),
    ("RPUSHX", Args::Key),
    ("SADD", Args::Key),
    ("SAVE", Args::Values),
    ("SCAN", Args::Values),
    ("SCARD", Args::Key),
    ("SCRIPT", Args::Subcommand(&SCRIPT)),
    ("SDIFF", Args::Key),
    ("SDIFFSTORE", Args::Key),
    ("SELECT", Args::Values),
    ("SET", Args::Key),
    ("SETBIT", Args::Key),
    ("SETEX", Args::Key),
    ("SETNX", Args::Key),
    ("SETRANGE", Args::Key),
    ("SHUTDOWN", Args::Values),
    ("SINTER", Args::Key),
    ("SINTERCARD", Args::Values),
    ("SINTERSTORE", Args::Key),
    ("SISMEMBER", Args::Key),
    ("SLAVEOF", Args::Values),
    ("SLOWLOG", Args::Subcommand(&SLOWLOG)),
    ("SMEMBERS", Args::Key),
    ("SMISMEMBER", Args::Key),
    ("SMOVE", Args::Key),
    ("SORT", Args::Key),
    ("SORT_RO", Args::Key),
    ("SPOP", Args::Key),
    ("SPUBLISH", Args::Key),
    ("SRANDMEMBER", Args::Key),
    ("SREM", Args::Key),
    ("SSCAN", Args::Key),
    ("SSUBSCRIBE", Args::Key),
    ("STRLEN", Args::Key),
    ("SUBSCRIBE", Args::Values),
    ("SUBSTR", Args::Key),
    ("SUNION", Args::Key),
    ("SUNIONSTORE", Args::Key),
    ("SUNSUBSCRIBE", Args::Key),
    ("SWAPDB", Args::Values),
    ("SYNC", Args::Values),
    ("TIME", Args::Values),
    ("TOUCH", Args::Key),
    ("TTL", Args::Key),
    ("TYPE", Args::Key),
    ("UNLINK", Args::Key),
    ("UNSUBSCRIBE", Args::Values),
    ("UNWATCH", Args::Values),
    ("VADD", Args::Key),
    ("VCARD", Args::Key),
    ("VDIM", Args::Key),
    ("VEMB", Args::Key),
    ("VGETATTR", Args::Key),
    ("VINFO", Args::Key),
    ("VLINKS", Args::Key),
    ("VRANDMEMBER", Args::Key),
    ("VREM", Args::Key),
    ("VSETATTR", Args::Key),
    ("VSIM", Args::Key),
    ("WAIT", Args::Values),
    ("WAITAOF", Args::Values),
    ("WATCH", Args::Key),
    ("XACK", Args::Key),
    ("XACKDEL", Args::Key),
    ("XADD", Args::Key),
    ("XAUTOCLAIM", Args::Key),
    ("XCLAIM", Args::Key),
    ("XDEL", Args::Key),
    ("XDELEX", Args::Key),
    ("XGROUP", Args::Subcommand(&XGROUP)),
    ("XINFO", Args::Subcommand(&XINFO)),
    ("XLEN", Args::Key),
    ("XPENDING", Args::Key),
    ("XRANGE", Args::Key),
    ("XREAD", Args::Values),
    ("XREADGROUP", Args::Values),
    ("XREVRANGE", Args::Key),
    ("XSETID", Args::Key),
    ("XTRIM", Args::Key),
    ("ZADD", Args::Key),
    ("ZCARD", Args::Key),
    ("ZCOUNT", Args::Key),
    ("ZDIFF", Args::Values),
    ("ZDIFFSTORE", Args::Key),
    ("ZINCRBY", Args::Key),
    ("ZINTER", Args::Values),
    ("ZINTERCARD", Args::Values),
    ("ZINTERSTORE", Args::Key),
    ("ZLEXCOUNT", Args::Key),
    ("ZMPOP", Args::Values),
    ("ZMSCORE", Args::Key),
    ("ZPOPMAX", Args::Key),
    ("ZPOPMIN", Args::Key),
    ("ZRANDMEMBER", Args::Key),
    ("ZRANGE", Args::Key),
    ("ZRANGEBYLEX", Args::Key),
    ("ZRANGEBYSCORE", Args::Key),
    ("ZRANGESTORE", Args::Key),
    ("ZRANK", Args::Key),
    ("ZREM", Args::Key),
    ("ZREMRANGEBYLEX", Args::Key),
    ("ZREMRANGEBYRANK", Args::Key),
    ("ZREMRANGEBYSCORE", Args::Key),
    ("ZREVRANGE", Args::Key),
    ("ZREVRANGEBYLEX", Args::Key),
    ("ZREVRANGEBYSCORE", Args::Key),
    ("ZREVRANK", Args::Key),
    ("ZSCAN", Args::Key),
    ("ZSCORE", Args::Key),
    ("ZUNION", Args::Values),
    ("ZUNIONSTORE", Args::Key),
];

static ACL: Subcommands = Subcommands {
    plain: &[
        "CAT", "DELUSER", "DRYRUN", "GENPASS", "GETUSER", "HELP", "LIST", "LOAD", "LOG", "SAVE", "SETUSER",
        "USERS", "WHOAMI",
    ],
    keyed: &[],
};
static CLIENT: Subcommands = Subcommands {
    plain: &[
        "CACHING",
        "GETNAME",
        "GETREDIR",
        "HELP",
        "ID",
        "INFO",
        "KILL",
        "LIST",
        "NO-EVICT",
        "PAUSE",
        "REPLY",
        "SETNAME",
        "TRACKING",
        "TRACKINGINFO",
        "UNBLOCK",
        "UNPAUSE",
    ],
    keyed: &[],
};
static CLUSTER: Subcommands = Subcommands {
    plain: &[
        "ADDSLOTS",
        "ADDSLOTSRANGE",
        "BUMPEPOCH",
        "COUNT-FAILURE-REPORTS",
        "COUNTKEYSINSLOT",
        "DELSLOTS",
        "DELSLOTSRANGE",
        "FAILOVER",
        "FLUSHSLOTS",
        "FORGET",
        "GETKEYSINSLOT",
        "HELP",
        "INFO",
        "KEYSLOT",
        "LINKS",
        "MEET",
        "MYID",
        "NODES",
        "REPLICAS",
        "REPLICATE",
        "RESET",
        "SAVECONFIG",
        "SET-CONFIG-EPOCH",
        "SETSLOT",
        "SHARDS",
        "SLAVES",
        "SLOTS",
    ],
    keyed: &[],
};
static COMMAND: Subcommands = Subcommands {
    plain: &[
        "COUNT",
        "DOCS",
        "GETKEYS",
        "GETKEYSANDFLAGS",
        "HELP",
        "INFO",
        "LIST",
    ],
    keyed: &[],
};
static CONFIG: Subcommands = Subcommands {
    plain: &["GET", "HELP", "RESETSTAT", "REWRITE", "SET"],
    keyed: &[],
};
static FUNCTION: Subcommands = Subcommands {
    plain: &[
        "DELETE", "DUMP", "FLUSH", "HELP", "KILL", "LIST", "LOAD", "RESTORE", "STATS",
    ],
    keyed: &[],
};
static LATENCY: Subcommands = Subcommands {
    plain: &[
        "DOCTOR",
        "GRAPH",
        "HELP",
        "HISTOGRAM",
        "HISTORY",
        "LATEST",
        "RESET",
    ],
    keyed: &[],
};
static MEMORY: Subcommands = Subcommands {
    plain: &["DOCTOR", "HELP", "MALLOC-STATS", "PURGE", "STATS"],
    keyed: &["USAGE"],
};
static MODULE: Subcommands = Subcommands {
    plain: &["HELP", "LIST", "LOAD", "LOADEX", "UNLOAD"],
    keyed: &[],
};
static OBJECT: Subcommands = Subcommands {
    plain: &["HELP"],
    keyed: &["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"],
};
static PUBSUB: Subcommands = Subcommands {
    plain: &[
        "CHANNELS",
        "HELP",
        "NUMPAT",
        "NUMSUB",
        "SHARDCHANNELS",
        "SHARDNUMSUB",
    ],
    keyed: &[],
};
static SCRIPT: Subcommands = Subcommands {
    plain: &["DEBUG", "EXISTS", "FLUSH", "HELP", "KILL", "LOAD"],
    keyed: &[],
};
static SLOWLOG: Subcommands = Subcommands {
    plain: &["GET", "HELP", "LEN", "RESET"],
    keyed: &[],
};
static XGROUP: Subcommands = Subcommands {
    plain: &["HELP"],
    keyed: &["CREATE", "CREATECONSUMER", "DELCONSUMER", "DESTROY", "SETID"],
};
static XINFO: Subcommands = Subcommands {
    plain: &["HELP"],
    keyed: &["CONSUMERS", "GROUPS", "STREAM"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_name_fits() {
        for pair in COMMANDS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        assert!(COMMANDS.iter().all(|(name, _)| name.len() <= LONGEST));
    }

    #[test]
    fn lookup_ignores_case_and_knows_what_each_argument_is() {
        assert_eq!(lookup("get"), Some(("GET", Args::Key)));
        assert_eq!(lookup("HSET"), Some(("HSET", Args::Key)));
        assert_eq!(lookup("AUTH"), Some(("AUTH", Args::Values)));
        assert_eq!(lookup("EvalSha"), Some(("EVALSHA", Args::Procedure)));
        let Some(("OBJECT", Args::Subcommand(object))) = lookup("object") else {
            panic!("OBJECT has subcommands");
        };
        assert_eq!(object.find("encoding"), Some(true));
        assert_eq!(object.find("HELP"), Some(false));
        assert_eq!(object.find("nope"), None);
        assert_eq!(lookup("FROBNICATE"), None);
        assert_eq!(lookup(&"A".repeat(LONGEST + 1)), None, "longer than any name");
    }
}
