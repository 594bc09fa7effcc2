//! The steps that create, join and commit a group (`createGroup`,
//! `externalJoin`, `fullCommit`), each an RPC sequence of the upstream
//! runner with its epoch-authenticator check.

use super::*;

impl Run<'_> {
    pub(super) async fn create_group(&mut self, index: usize, step: &Step) -> StepResult {
        let actor = step.actor.as_str();
        let members = step.strings("members")?;
        let group_id = random_uuid()?.into_bytes();
        let resp = call!(
            self,
            actor,
            "CreateGroup",
            create_group,
            CreateGroupRequest {
                group_id: group_id.clone(),
                cipher_suite: self.suite,
                encrypt_handshake: self.encrypt,
                identity: actor.as_bytes().to_vec(),
            }
        );
        self.state_id.insert(actor.to_string(), resp.state_id);
        self.store(index, "group_id", group_id);
        if members.is_empty() {
            return Ok(());
        }
        let mut by_value = Vec::new();
        let mut transactions = Vec::new();
        for member in &members {
            let kp = call!(
                self,
                member,
                "CreateKeyPackage",
                create_key_package,
                CreateKeyPackageRequest {
                    cipher_suite: self.suite,
                    identity: member.as_bytes().to_vec(),
                }
            );
            transactions.push(kp.transaction_id);
            by_value.push(ProposalDescription {
                proposal_type: b"add".to_vec(),
                key_package: kp.key_package,
                ..Default::default()
            });
        }
        let commit = call!(
            self,
            actor,
            "Commit",
            commit,
            CommitRequest {
                state_id: self.state(actor),
                by_value,
                ..Default::default()
            }
        );
        let merged = call!(
            self,
            actor,
            "HandlePendingCommit",
            handle_pending_commit,
            HandlePendingCommitRequest {
                state_id: self.state(actor),
            }
        );
        self.state_id.insert(actor.to_string(), merged.state_id);
        for (member, transaction_id) in members.iter().zip(transactions) {
            let joined = call!(
                self,
                member,
                "JoinGroup",
                join_group,
                JoinGroupRequest {
                    transaction_id,
                    welcome: commit.welcome.clone(),
                    encrypt_handshake: self.encrypt,
                    identity: member.as_bytes().to_vec(),
                    ratchet_tree: Vec::new(),
                }
            );
            if joined.epoch_authenticator != merged.epoch_authenticator {
                return Err(fail(format!(
                    "Joiner [{member}] failed to agree on epoch authenticator"
                )));
            }
            self.state_id.insert(member.clone(), joined.state_id);
        }
        Ok(())
    }

    pub(super) async fn external_join(&mut self, index: usize, step: &Step) -> StepResult {
        let actor = step.actor.as_str();
        let joiner = step.string("joiner")?;
        let info = call!(
            self,
            actor,
            "GroupInfo",
            group_info,
            GroupInfoRequest {
                state_id: self.state(actor),
                external_tree: step.flag("externalTree")?,
            }
        );
        self.store(index, "group_info", info.group_info.clone());
        self.store(index, "ratchet_tree", info.ratchet_tree.clone());
        let mut psks = Vec::new();
        for at in step.ints("psks")? {
            psks.push(PreSharedKey {
                psk_id: self.message(at, "psk_id")?,
                psk_secret: self.message(at, "psk_secret")?,
            });
        }
        let joined = call!(
            self,
            &joiner,
            "ExternalJoin",
            external_join,
            ExternalJoinRequest {
                group_info: info.group_info,
                ratchet_tree: info.ratchet_tree,
                encrypt_handshake: self.encrypt,
                identity: joiner.as_bytes().to_vec(),
                remove_prior: step.flag("removePrior")?,
                psks,
            }
        );
        self.state_id.insert(joiner, joined.state_id);
        self.store(index, "commit", joined.commit.clone());
        self.store(
            index,
            "epoch_authenticator",
            joined.epoch_authenticator.clone(),
        );
        let mut members = step.strings("members")?;
        members.push(actor.to_string());
        for member in members {
            let resp = call!(
                self,
                &member,
                "HandleCommit",
                handle_commit,
                HandleCommitRequest {
                    state_id: self.state(&member),
                    proposal: Vec::new(),
                    commit: joined.commit.clone(),
                }
            );
            if resp.epoch_authenticator != joined.epoch_authenticator {
                return Err(fail(format!(
                    "Member [{member}] failed to agree on epoch authenticator"
                )));
            }
            self.state_id.insert(member, resp.state_id);
        }
        Ok(())
    }

    pub(super) async fn full_commit(&mut self, index: usize, step: &Step) -> StepResult {
        let actor = step.actor.as_str();
        let by_reference = self.by_reference(step)?;
        let by_value = self.by_value(step)?;
        let external_tree = step.flag("external_tree")?;
        let commit = call!(
            self,
            actor,
            "Commit",
            commit,
            CommitRequest {
                state_id: self.state(actor),
                by_reference: by_reference.clone(),
                by_value,
                force_path: step.flag("force_path")?,
                external_tree,
            }
        );
        self.store(index, "welcome", commit.welcome.clone());
        self.store(index, "commit", commit.commit.clone());
        if external_tree {
            self.store(index, "ratchet_tree", commit.ratchet_tree.clone());
        }
        let merged = call!(
            self,
            actor,
            "HandlePendingCommit",
            handle_pending_commit,
            HandlePendingCommitRequest {
                state_id: self.state(actor),
            }
        );
        self.state_id.insert(actor.to_string(), merged.state_id);
        self.store(
            index,
            "epoch_authenticator",
            merged.epoch_authenticator.clone(),
        );
        for member in step.strings("members")? {
            let resp = call!(
                self,
                &member,
                "HandleCommit",
                handle_commit,
                HandleCommitRequest {
                    state_id: self.state(&member),
                    proposal: by_reference.clone(),
                    commit: commit.commit.clone(),
                }
            );
            if resp.epoch_authenticator != merged.epoch_authenticator {
                return Err(fail(format!(
                    "Member [{member}] failed to agree on epoch authenticator"
                )));
            }
            self.state_id.insert(member, resp.state_id);
        }
        for joiner in step.strings("joiners")? {
            let transaction_id = self.transaction(&joiner)?;
            let resp = call!(
                self,
                &joiner,
                "JoinGroup",
                join_group,
                JoinGroupRequest {
                    transaction_id,
                    welcome: commit.welcome.clone(),
                    encrypt_handshake: self.encrypt,
                    identity: joiner.as_bytes().to_vec(),
                    ratchet_tree: if external_tree {
                        commit.ratchet_tree.clone()
                    } else {
                        Vec::new()
                    },
                }
            );
            if resp.epoch_authenticator != merged.epoch_authenticator {
                return Err(fail(format!(
                    "Joiner [{joiner}] failed to agree on epoch authenticator"
                )));
            }
            self.state_id.insert(joiner, resp.state_id);
        }
        Ok(())
    }
}
