"""In-app notifications for partners and customers (with a read flag) and the message that goes with them."""
