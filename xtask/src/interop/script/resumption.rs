//! The resumption steps of RFC 9420 §11.2-§11.3 (`reinit`, `branch`): the
//! upstream runner's RPC sequences moving every member to a successor or a
//! subgroup, with the epoch-authenticator check.

use super::*;

impl Run<'_> {
    pub(super) async fn reinit(&mut self, step: &Step) -> StepResult {
        let proposer = step.string("proposer")?;
        let committer = step.string("committer")?;
        let welcomer = step.string("welcomer")?;
        let members = step.strings("members")?;
        // Everyone but the committer / but the welcomer (sorted sets; upstream
        // iterates Go maps).
        let mut not_committer: BTreeSet<String> = members.iter().cloned().collect();
        let mut not_welcomer = not_committer.clone();
        not_committer.insert(welcomer.clone());
        not_welcomer.insert(committer.clone());
        if !proposer.is_empty() {
            not_committer.insert(proposer.clone());
            not_welcomer.insert(proposer.clone());
        }
        not_committer.remove(&committer);
        not_welcomer.remove(&welcomer);

        let group_id = self.new_group_id(step.flag("changeGroupID")?)?;
        if step.flag("changeCipherSuite")? {
            self.change_cipher_suite()?;
        }
        let proposal = if proposer.is_empty() {
            self.message(step.int("externalReinitProposal")?, "proposal")?
        } else {
            call!(
                self,
                &proposer,
                "ReInitProposal",
                re_init_proposal,
                ReInitProposalRequest {
                    state_id: self.state(&proposer),
                    cipher_suite: self.suite,
                    group_id,
                    extensions: step.extensions("extensions")?,
                }
            )
            .proposal
        };

        let mut reinit_ids: HashMap<String, u32> = HashMap::new();
        let mut key_packages: HashMap<String, Vec<u8>> = HashMap::new();
        let commit = call!(
            self,
            &committer,
            "ReInitCommit",
            re_init_commit,
            CommitRequest {
                state_id: self.state(&committer),
                by_reference: vec![proposal.clone()],
                ..Default::default()
            }
        );
        let pending = call!(
            self,
            &committer,
            "HandlePendingReInitCommit",
            handle_pending_re_init_commit,
            HandlePendingCommitRequest {
                state_id: self.state(&committer),
            }
        );
        reinit_ids.insert(committer.clone(), pending.reinit_id);
        key_packages.insert(committer.clone(), pending.key_package);
        for member in &not_committer {
            let resp = call!(
                self,
                member,
                "HandleReInitCommit",
                handle_re_init_commit,
                HandleCommitRequest {
                    state_id: self.state(member),
                    proposal: vec![proposal.clone()],
                    commit: commit.commit.clone(),
                }
            );
            if resp.epoch_authenticator != pending.epoch_authenticator {
                return Err(fail(format!(
                    "Member [{member}] failed to agree on epoch authenticator"
                )));
            }
            reinit_ids.insert(member.clone(), resp.reinit_id);
            key_packages.insert(member.clone(), resp.key_package);
        }

        let external_tree = step.flag("externalTree")?;
        let welcome = call!(
            self,
            &welcomer,
            "ReInitWelcome",
            re_init_welcome,
            ReInitWelcomeRequest {
                reinit_id: reinit_ids.get(&welcomer).copied().unwrap_or(0),
                key_package: not_welcomer
                    .iter()
                    .map(|m| key_packages.get(m).cloned().unwrap_or_default())
                    .collect(),
                force_path: step.flag("forcePath")?,
                external_tree,
            }
        );
        self.state_id.insert(welcomer.clone(), welcome.state_id);
        let tree = if external_tree {
            welcome.ratchet_tree.clone()
        } else {
            Vec::new()
        };
        for member in &not_welcomer {
            let resp = call!(
                self,
                member,
                "HandleReInitWelcome",
                handle_re_init_welcome,
                HandleReInitWelcomeRequest {
                    reinit_id: reinit_ids.get(member).copied().unwrap_or(0),
                    welcome: welcome.welcome.clone(),
                    ratchet_tree: tree.clone(),
                }
            );
            if resp.epoch_authenticator != welcome.epoch_authenticator {
                return Err(fail(format!(
                    "Member [{member}] failed to agree on reinit epoch authenticator"
                )));
            }
            self.state_id.insert(member.clone(), resp.state_id);
        }
        Ok(())
    }

    pub(super) async fn branch(&mut self, step: &Step) -> StepResult {
        let actor = step.actor.as_str();
        let members = step.strings("members")?;
        let mut transactions = HashMap::new();
        let mut key_packages = Vec::new();
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
            transactions.insert(member.clone(), kp.transaction_id);
            key_packages.push(kp.key_package);
        }
        // Upstream reads snake-case keys here while branch.json is written in
        // camel case, so both flags stay false (docs/interop.md, quirks).
        let external_tree = step.flag("external_tree")?;
        let created = call!(
            self,
            actor,
            "CreateBranch",
            create_branch,
            CreateBranchRequest {
                state_id: self.state(actor),
                group_id: random_uuid()?.into_bytes(),
                extensions: step.extensions("extensions")?,
                key_packages,
                force_path: step.flag("force_path")?,
                external_tree,
            }
        );
        self.state_id.insert(actor.to_string(), created.state_id);
        let tree = if external_tree {
            created.ratchet_tree.clone()
        } else {
            Vec::new()
        };
        let mut old = Vec::new();
        for member in &members {
            let resp = call!(
                self,
                member,
                "HandleBranch",
                handle_branch,
                HandleBranchRequest {
                    state_id: self.state(member),
                    transaction_id: transactions.get(member).copied().unwrap_or(0),
                    welcome: created.welcome.clone(),
                    ratchet_tree: tree.clone(),
                }
            );
            if resp.epoch_authenticator != created.epoch_authenticator {
                return Err(fail(format!(
                    "Member [{member}] failed to agree on epoch authenticator"
                )));
            }
            old.push((member.clone(), self.state(member)));
            self.state_id.insert(member.clone(), resp.state_id);
        }
        for (member, state_id) in old {
            call!(self, &member, "Free", free, FreeRequest { state_id });
        }
        Ok(())
    }
}
