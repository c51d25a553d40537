#!/usr/bin/env bash
# The generic netlink family: registered, answers `vswctl version`, rejects bad input with
# an error (never a crash), refuses unprivileged users.
. "$(dirname "$0")/lib.sh"
load_module

cleanup() { true; }  # the tests make nothing to undo
trap cleanup EXIT

test_family_registered() {
    if genl ctrl get name vswitch 2>/dev/null | grep -q 'Name: vswitch'; then
        ok "family vswitch is registered (genl ctrl)"
    else
        not_ok "family vswitch is registered (genl ctrl)" "$(genl ctrl list 2>&1 | grep Name)"
    fi
}

test_version() {
    local want out
    want=$(sed -n 's/^pub const VERSION: &str = "\(.*\)";/\1/p' "$REPO/vswitch/uapi.rs")
    out=$(vswctl -j version 2>&1)
    if [ "$out" = "{\"tool\":\"$want\",\"module\":\"$want\",\"family_version\":1}" ]; then
        ok "vswctl version: tool and module both $want"
    else
        not_ok "vswctl version: tool and module both $want" "$out"
    fi
    out=$(vswctl version 2>&1)
    if printf '%s\n' "$out" | grep -qx "vswitch module $want (genl family vswitch version 1)"; then
        ok "vswctl version (text) shows the module version from the kernel"
    else
        not_ok "vswctl version (text) shows the module version from the kernel" "$out"
    fi
}

test_unknown_commands() {
    local out
    if expect_fail out vswctl raw 200 && [[ $out == *EOPNOTSUPP* ]]; then
        ok "unknown command 200 -> EOPNOTSUPP"
    else
        not_ok "unknown command 200 -> EOPNOTSUPP" "$out"
    fi
    if expect_fail out vswctl raw 0 && [[ $out == *EOPNOTSUPP* ]]; then
        ok "command 0 (unspec) -> EOPNOTSUPP"
    else
        not_ok "command 0 (unspec) -> EOPNOTSUPP" "$out"
    fi
}

test_bad_attributes() {
    local out
    # FAMILY_VERSION (2) is a u32: two bytes must fail policy validation, with a message.
    if expect_fail out vswctl raw 1 2:u16:1 && [[ $out == *ERANGE* || $out == *EINVAL* ]] && [[ $out == *[a-z]*' ('E* ]]; then
        ok "short u32 attribute rejected by policy with a message"
    else
        not_ok "short u32 attribute rejected by policy with a message" "$out"
    fi
    if expect_fail out vswctl raw 1 99:u32:1 && [[ $out == *EINVAL* ]]; then
        ok "unknown attribute type 99 rejected"
    else
        not_ok "unknown attribute type 99 rejected" "$out"
    fi
    if expect_fail out vswctl raw 1 "1:str:$(printf 'x%.0s' {1..100})"; then
        ok "over-long string attribute rejected"
    else
        not_ok "over-long string attribute rejected" "$out"
    fi
}

test_unprivileged() {
    local out rc
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups vswctl version 2>&1); rc=$?
    if [ $rc -ne 0 ] && [[ $out == *EPERM* ]]; then
        ok "non-root user gets EPERM"
    else
        not_ok "non-root user gets EPERM" "rc=$rc $out"
    fi
}

test_still_answers() {
    if vswctl version >/dev/null && dmesg_clean; then
        ok "module still answers, no kernel warnings after bad input"
    else
        not_ok "module still answers, no kernel warnings after bad input"
    fi
}

ALL_TESTS="
    test_family_registered
    test_version
    test_unknown_commands
    test_bad_attributes
    test_unprivileged
    test_still_answers
"
run_tests
