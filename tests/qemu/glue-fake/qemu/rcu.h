/* rcu.h (fake) - the RCU read side; the test checks it is left while waiting. */
#ifndef GLUE_FAKE_RCU_H
#define GLUE_FAKE_RCU_H
void rcu_read_lock(void);
void rcu_read_unlock(void);
#endif
