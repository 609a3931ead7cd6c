package io.asyncipc.transport.support;

/**
 * An I/O thread with no I/O: it waits on a monitor, and runs tasks and timers like every
 * {@link IoThread}. For what needs an I/O thread's tasks and timers on any OS.
 */
public final class MonitorIoThread extends IoThread {

	private final Object monitor = new Object();

	private boolean woken;

	/**
	 * Creates the thread, not started, as a daemon.
	 * @param name the thread name
	 */
	public MonitorIoThread(String name) {
		super(name, true);
	}

	@Override
	protected void waitForIo(long timeoutMillis) throws InterruptedException {
		synchronized (this.monitor) {
			if (!this.woken && timeoutMillis != 0) {
				this.monitor.wait(Math.max(timeoutMillis, 0));
			}
			this.woken = false;
		}
	}

	@Override
	protected void wakeup() {
		synchronized (this.monitor) {
			this.woken = true;
			this.monitor.notifyAll();
		}
	}

	@Override
	protected void stopped() {
	}

}
